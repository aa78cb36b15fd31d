using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Tests.Mock;

public sealed class MockProviderTests
{
    [Fact]
    public async Task Mock_provider_builds_a_backend_with_its_own_memory_and_the_context_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var provider = new MockProvider();
        await using var engine = await provider.CreateAsync(new MockOptions(), Context(time: time));

        var item = await engine.SaveAsync("k", new byte[] { 1 });

        Assert.Equal("mock", provider.Name);
        Assert.Equal(StorageProviderKind.Backend, provider.Kind);
        Assert.Equal(typeof(MockOptions), provider.OptionsType);
        Assert.False(string.IsNullOrWhiteSpace(provider.Description));
        Assert.Equal("mock", engine.EngineType);
        Assert.Equal(time.GetUtcNow(), item.Created);
    }

    [Fact]
    public async Task Chaos_provider_wraps_the_stage_beneath_it()
    {
        var inner = new MemoryEngine();
        var provider = new ChaosProvider();
        await using var engine = await provider.CreateAsync(new MockOptions { Seed = 1 }, Context(inner));

        await engine.SaveAsync("k", new byte[] { 1 });

        Assert.Equal("chaos", provider.Name);
        Assert.Equal(StorageProviderKind.Wrapper, provider.Kind);
        Assert.False(string.IsNullOrWhiteSpace(provider.Description));
        Assert.Equal("chaos", engine.EngineType);
        Assert.True(await inner.ExistsAsync("k"));
    }

    [Fact]
    public async Task Chaos_provider_without_an_inner_stage_is_an_invalid_configuration()
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => new ChaosProvider().CreateAsync(new MockOptions(), Context()).AsTask());

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
    }

    [Theory]
    [InlineData(100.0, 50.0, 0.0, StorageErrorCode.NetworkError, "MaxLatency")]
    [InlineData(0.0, null, 0.5, StorageErrorCode.NotFound, "FailureCode")]
    [InlineData(0.0, null, 1.5, StorageErrorCode.NetworkError, "FailureRate")]
    [InlineData(-1.0, null, 0.0, StorageErrorCode.NetworkError, "Latency")]
    [InlineData(3_600_001.0, null, 0.0, StorageErrorCode.NetworkError, "Latency")]
    public void Options_that_cannot_work_are_refused_naming_the_option(double latency, double? maxLatency, double rate, StorageErrorCode code, string option)
    {
        var options = new MockOptions
        {
            Latency = TimeSpan.FromMilliseconds(latency),
            MaxLatency = maxLatency is { } max ? TimeSpan.FromMilliseconds(max) : null,
            FailureRate = rate,
            FailureCode = code,
        };

        var error = Assert.Throws<StorageException>(() => new MockEngine(options));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    private static StorageProviderContext Context(IStorageEngine? inner = null, TimeProvider? time = null) => new()
    {
        PipelineName = "test",
        StageName = "stage",
        Inner = inner,
        TimeProvider = time ?? TimeProvider.System,
    };
}
