using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>The <c>encrypted</c> descriptor: how it describes itself and what key rings it refuses.</summary>
public sealed class EncryptedProviderTests
{
    [Fact]
    public void The_description_says_what_the_wrapper_does()
    {
        var provider = new EncryptedProvider();

        Assert.Contains("AES-256-GCM", provider.Description, StringComparison.Ordinal);
        Assert.Contains("key ring", provider.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_previous_key_under_the_active_id_fails_creation_naming_the_option_and_the_id()
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => WithKeyAsync(new MemoryEngine(), KeyA, keyId: "k1", previousKeys: "k1=" + KeyB));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Equal(EncryptedEngine.TypeName, error.Provider);
        Assert.Contains("option 'previousKeys'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'k1' appears twice", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyB, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_same_id_twice_in_previous_keys_fails_creation()
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => WithKeyAsync(new MemoryEngine(), KeyA, keyId: "new", previousKeys: $"old={KeyA},old={KeyB}"));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("'old' appears twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_previous_passphrase_under_the_active_id_fails_creation_naming_its_option()
    {
        var options = new EncryptedOptions
        {
            Key = KeyA,
            KeyId = "k1",
            PreviousPassphrase = "an old but long passphrase",
            PreviousPassphraseKeyId = "k1",
            WeakPbkdf2IterationsForTests = 1000,
        };

        var error = await Assert.ThrowsAsync<StorageException>(() => CreateAsync(new MemoryEngine(), options));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("option 'previousPassphraseKeyId'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("an old but long passphrase", error.Message, StringComparison.Ordinal);
    }
}
