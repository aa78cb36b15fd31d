using System.Text;
using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>The store's passphrase salt record: a damaged one stops engine creation with an error that says what to restore.</summary>
public sealed class PassphraseSaltRecordTests
{
    private const string Passphrase = "correct horse battery staple";

    public static TheoryData<string, string> MalformedRecords => new()
    {
        { "not JSON", "this is not json" },
        { "a JSON array", "[1, 2, 3]" },
        { "no fields", "{}" },
        { "no salt", """{"kdf":"PBKDF2-HMAC-SHA256","iterations":1000}""" },
        { "iterations as text", """{"kdf":"PBKDF2-HMAC-SHA256","iterations":"many","salt":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}""" },
        { "salt not base64", """{"kdf":"PBKDF2-HMAC-SHA256","iterations":1000,"salt":"***"}""" },
        { "another kdf", """{"kdf":"scrypt","iterations":1000,"salt":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}""" },
        { "a short salt", """{"kdf":"PBKDF2-HMAC-SHA256","iterations":1000,"salt":"AAAAAAAA"}""" },
        { "zero iterations", """{"kdf":"PBKDF2-HMAC-SHA256","iterations":0,"salt":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}""" },
    };

    [Theory]
    [MemberData(nameof(MalformedRecords))]
    public async Task A_malformed_salt_record_fails_creation_with_Integrity_naming_the_record(string what, string json)
    {
        var inner = new MemoryEngine();
        await inner.SaveAsync(PassphraseSaltRecord.ReservedKey, Encoding.UTF8.GetBytes(json));

        var error = await Assert.ThrowsAsync<StorageException>(() => CreateAsync(inner, WeakPassphrase(Passphrase)));

        Assert.True(error.Code == StorageErrorCode.Integrity, $"{what}: expected Integrity, got {error.Code}: {error.Message}");
        Assert.Equal(PassphraseSaltRecord.ReservedKey, error.Key);
        Assert.Equal(EncryptedEngine.TypeName, error.Provider);
        Assert.Contains("'.atomiton-encryption'", error.Message, StringComparison.Ordinal);
        Assert.Contains("malformed", error.Message, StringComparison.Ordinal);
        Assert.Contains("restore it from a backup", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Passphrase, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_record_is_left_as_it_was()
    {
        var inner = new MemoryEngine();
        var damaged = Encoding.UTF8.GetBytes("{}");
        await inner.SaveAsync(PassphraseSaltRecord.ReservedKey, damaged);

        await Assert.ThrowsAsync<StorageException>(() => CreateAsync(inner, WeakPassphrase(Passphrase)));

        Assert.Equal(damaged, await inner.LoadBytesAsync(PassphraseSaltRecord.ReservedKey));
    }

    [Fact]
    public async Task A_record_written_by_an_engine_is_read_back_alike()
    {
        var inner = new MemoryEngine();
        var written = await PassphraseSaltRecord.LoadOrCreateAsync(inner, 1234, CancellationToken.None);

        var read = await PassphraseSaltRecord.LoadOrCreateAsync(inner, 999, CancellationToken.None);

        Assert.Equal(1234, read.Iterations);
        Assert.Equal(written.Salt, read.Salt);
        Assert.Equal(32, read.Salt.Length);
    }

    [Fact]
    public void ToString_shows_the_iteration_count_but_not_the_salt()
    {
        var salt = Enumerable.Range(0, 32).Select(i => (byte)(i + 1)).ToArray();
        var record = new PassphraseSaltRecord(salt, 600_000);

        string text = record.ToString();

        Assert.Equal("PassphraseSaltRecord(iterations=600000)", text);
        Assert.DoesNotContain(Convert.ToBase64String(salt), text, StringComparison.Ordinal);
    }
}
