using System.ComponentModel.DataAnnotations;
using Atomiton.Storage.Cached;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Providers;
using static Atomiton.Storage.Tests.Cached.CachedTestEngines;

namespace Atomiton.Storage.Tests.Cached;

/// <summary>The <c>cached</c> descriptor and its options: bad options fail at creation, naming the option, stage and pipeline.</summary>
public sealed class CachedProviderTests
{
    public static TheoryData<string, CachedOptions> BadOptions => new()
    {
        { "'cacheSize'", new CachedOptions { CacheSize = 2 } },
        { "'maxBytes'", new CachedOptions { MaxBytes = 0 } },
        { "'maxItemBytes'", new CachedOptions { MaxItemBytes = -1 } },
        { "'ttl' must be positive", new CachedOptions { Ttl = TimeSpan.Zero } },
        { "'negativeTtl' must not be negative", new CachedOptions { NegativeTtl = TimeSpan.FromSeconds(-1) } },
        { "must not exceed 'maxBytes' (1000)", new CachedOptions { MaxBytes = 1000, MaxItemBytes = 1001 } },
        { $"must not exceed {Array.MaxLength}", new CachedOptions { MaxBytes = long.MaxValue, MaxItemBytes = (long)Array.MaxLength + 1 } },
    };

    [Fact]
    public void The_provider_is_a_wrapper_named_cached_that_describes_itself()
    {
        var provider = new CachedProvider();

        Assert.Equal("cached", provider.Name);
        Assert.Equal(StorageProviderKind.Wrapper, provider.Kind);
        Assert.Contains("LRU cache", provider.Description, StringComparison.Ordinal);
        Assert.Contains("TTL", provider.Description, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task Bad_options_fail_at_creation_with_InvalidConfiguration_saying_what_is_wrong(string expected, CachedOptions options)
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => CreateAsync(new MemoryEngine(), options));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Equal("cached", error.Provider);
        Assert.Equal("create", error.Operation);
        Assert.Contains("Stage 's' of pipeline 'p'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Bad_options_fail_DataAnnotations_validation_as_the_host_runs_it(string expected, CachedOptions options)
    {
        var results = new List<ValidationResult>();

        bool valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(results, r => r.ErrorMessage!.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_options_are_valid()
    {
        var options = new CachedOptions();

        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }

    [Fact]
    public void Options_ToString_shows_every_bound()
    {
        var options = new CachedOptions
        {
            CacheSize = 42,
            MaxBytes = 4096,
            Ttl = TimeSpan.FromMinutes(2),
            NegativeTtl = TimeSpan.Zero,
            MaxItemBytes = 512,
        };

        Assert.Equal("CachedOptions(cacheSize=42, maxBytes=4096, ttl=00:02:00, negativeTtl=00:00:00, maxItemBytes=512)", options.ToString());
    }
}
