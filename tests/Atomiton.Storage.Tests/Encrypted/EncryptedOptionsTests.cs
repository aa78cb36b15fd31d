using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

public sealed class EncryptedOptionsTests
{
    public static TheoryData<string, EncryptedOptions> BadOptions => new()
    {
        { "key", new EncryptedOptions() },
        { "key", new EncryptedOptions { Key = KeyA, Passphrase = "long enough passphrase" } },
        { "key", new EncryptedOptions { Key = "c2hvcnQ=" } },
        { "passphrase", new EncryptedOptions { Passphrase = "short" } },
        { "keyId", new EncryptedOptions { Key = KeyA, KeyId = "has space" } },
        { "previousKeys", new EncryptedOptions { Key = KeyA, PreviousKeys = "k0=nothex" } },
        { "previousPassphrase", new EncryptedOptions { Key = KeyA, PreviousPassphrase = "an old passphrase" } },
        { "pbkdf2Iterations", new EncryptedOptions { Passphrase = "long enough passphrase", Pbkdf2Iterations = 599_999 } },
        { "nameKeyId", new EncryptedOptions { Key = KeyA, EncryptKeys = true, NameKeyId = "missing" } },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task Bad_options_fail_at_creation_naming_the_option(string option, EncryptedOptions options)
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => CreateAsync(new MemoryEngine(), options));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains($"'{option}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("pipeline 'p'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQ=", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("nothex", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Iterations_below_the_minimum_fail_DataAnnotations_validation()
    {
        var options = new EncryptedOptions { Passphrase = "long enough passphrase", Pbkdf2Iterations = 1000 };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        bool valid = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(EncryptedOptions.Pbkdf2Iterations)));
    }

    [Fact]
    public void Secrets_are_marked_and_never_shown()
    {
        var options = new EncryptedOptions { Key = KeyA, PreviousKeys = "k0=" + KeyB, PreviousPassphrase = "my old passphrase", PreviousPassphraseKeyId = "k0p" };

        Assert.DoesNotContain(KeyA, options.ToString(), StringComparison.Ordinal);
        foreach (var name in new[] { nameof(EncryptedOptions.Key), nameof(EncryptedOptions.Passphrase), nameof(EncryptedOptions.PreviousKeys), nameof(EncryptedOptions.PreviousPassphrase) })
        {
            Assert.True(typeof(EncryptedOptions).GetProperty(name)!.IsDefined(typeof(Atomiton.Storage.Providers.StorageSecretAttribute), false), name);
        }
    }

    [Fact]
    public async Task Hex_and_base64_keys_are_both_accepted()
    {
        var inner = new MemoryEngine();
        var hex = Convert.ToHexString(Convert.FromBase64String(KeyA));
        await using var base64Engine = await WithKeyAsync(inner, KeyA);
        await base64Engine.SaveAsync("a", Content(5));
        await using var hexEngine = await WithKeyAsync(inner, hex.ToLowerInvariant());

        Assert.Equal(Content(5), await hexEngine.LoadBytesAsync("a"));
    }

    [Fact]
    public async Task The_provider_is_a_wrapper_named_encrypted()
    {
        var provider = new EncryptedProvider();

        Assert.Equal("encrypted", provider.Name);
        Assert.Equal(Atomiton.Storage.Providers.StorageProviderKind.Wrapper, provider.Kind);
        var error = await Assert.ThrowsAsync<StorageException>(async () => await provider.CreateAsync(new EncryptedOptions { Key = KeyA }, new() { PipelineName = "p", StageName = "s" }));
        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
    }
}
