using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>The name cipher on its own: key size, names it did not write, and what it shows.</summary>
public sealed class KeyNameCipherTests
{
    private static readonly byte[] NameKey = Convert.FromBase64String(KeyA);

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(64)]
    public void A_key_that_is_not_32_bytes_is_refused_naming_its_length(int length)
    {
        var error = Assert.Throws<ArgumentException>(() => new KeyNameCipher(new byte[length]));

        Assert.Equal("key", error.ParamName);
        Assert.Contains($"not {length}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("a*b")]
    [InlineData("AAAAAAAA")]
    [InlineData("lUoGRj8XhGyNkqjOqFA4ePqxwRkK/x")]
    public void A_name_it_did_not_write_fails_with_Integrity_naming_the_stored_name(string stored)
    {
        using var cipher = new KeyNameCipher(NameKey);

        var error = Assert.Throws<StorageException>(() => cipher.DecryptKey(stored));

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Equal(stored, error.Key);
        Assert.Contains($"'{stored}' is not an authentic encrypted key name", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_written_under_another_name_key_fails_with_Integrity()
    {
        using var writer = new KeyNameCipher(NameKey);
        using var reader = new KeyNameCipher(Convert.FromHexString(KeyB));

        var error = Assert.Throws<StorageException>(() => reader.DecryptKey(writer.EncryptKey("flows/a.json")));

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
    }

    [Fact]
    public async Task A_foreign_object_in_the_backend_fails_a_listing_with_Integrity()
    {
        var inner = new MemoryEngine();
        await using var engine = await WithKeyAsync(inner, encryptKeys: true);
        await engine.SaveAsync("a", Content(3));
        await inner.SaveAsync("short", Content(3));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.ListAsync().ToListAsync());

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Contains("'short'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_names_the_construction_and_no_key()
    {
        using var cipher = new KeyNameCipher(NameKey);

        Assert.Equal("KeyNameCipher(SIV HMAC-SHA256 + AES-256-CTR)", cipher.ToString());
    }
}
