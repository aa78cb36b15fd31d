using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

public sealed class EncryptedKeyTests
{
    [Fact]
    public async Task A_wrong_key_says_so_without_showing_any_key()
    {
        var inner = new MemoryEngine();
        await using var writer = await WithKeyAsync(inner, KeyA);
        await writer.SaveAsync("a", Content(10));
        await using var reader = await WithKeyAsync(inner, KeyB, ownsInner: false);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await reader.LoadBytesAsync("a"));

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.Contains("wrong key or passphrase", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(KeyB, error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unknown_key_id_names_the_id_to_add()
    {
        var inner = new MemoryEngine();
        await using var writer = await WithKeyAsync(inner, KeyA, keyId: "old");
        await writer.SaveAsync("a", Content(10));
        await using var reader = await WithKeyAsync(inner, KeyB, keyId: "new", ownsInner: false);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await reader.LoadBytesAsync("a"));

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.Contains("'old'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Previous_keys_read_objects_written_before_a_key_change()
    {
        var inner = new MemoryEngine();
        await using var writer = await WithKeyAsync(inner, KeyA, keyId: "k1");
        await writer.SaveAsync("a", Content(10));
        await using var reader = await WithKeyAsync(inner, KeyB, keyId: "k2", previousKeys: "k1=" + KeyA, ownsInner: false);

        Assert.Equal(Content(10), await reader.LoadBytesAsync("a"));
    }

    [Fact]
    public async Task A_passphrase_derives_the_same_key_for_every_engine_over_the_store()
    {
        var inner = new MemoryEngine();
        await using var first = await CreateAsync(inner, WeakPassphrase("correct horse battery staple"));
        await first.SaveAsync("a", Content(10));
        await using var second = await CreateAsync(inner, WeakPassphrase("correct horse battery staple"));

        Assert.Equal(Content(10), await second.LoadBytesAsync("a"));
        Assert.True(await inner.ExistsAsync(".atomiton-encryption"));
        Assert.Equal(["a"], await second.ListAsync().Select(e => e.Key).ToListAsync());
    }

    [Fact]
    public async Task A_production_passphrase_engine_stores_a_600000_iteration_salt_record()
    {
        var inner = new MemoryEngine();
        await using var engine = await CreateAsync(inner, new EncryptedOptions { Passphrase = "correct horse battery staple" });
        await engine.SaveAsync("a", Content(10));

        var record = System.Text.Json.JsonDocument.Parse(await inner.LoadBytesAsync(".atomiton-encryption")).RootElement;

        Assert.Equal(600_000, record.GetProperty("iterations").GetInt32());
        Assert.Equal("PBKDF2-HMAC-SHA256", record.GetProperty("kdf").GetString());
        Assert.Equal(32, Convert.FromBase64String(record.GetProperty("salt").GetString()!).Length);
        Assert.Equal(Content(10), await engine.LoadBytesAsync("a"));
    }

    [Fact]
    public async Task A_wrong_passphrase_says_so()
    {
        var inner = new MemoryEngine();
        await using var first = await CreateAsync(inner, WeakPassphrase("correct horse battery staple"));
        await first.SaveAsync("a", Content(10));
        await using var second = await CreateAsync(inner, WeakPassphrase("incorrect horse battery"));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await second.LoadBytesAsync("a"));

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.DoesNotContain("horse", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_production_engine_refuses_a_salt_record_with_too_few_iterations()
    {
        var inner = new MemoryEngine();
        await using var weak = await CreateAsync(inner, WeakPassphrase("correct horse battery staple"));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await CreateAsync(inner, new EncryptedOptions { Passphrase = "correct horse battery staple" }));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("pbkdf2Iterations", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reserved_salt_key_cannot_be_written_through_the_engine()
    {
        await using var engine = await WithKeyAsync(new MemoryEngine());

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync(".atomiton-encryption", Content(1)));

        Assert.Equal(StorageErrorCode.InvalidKey, error.Code);
    }

    [Fact]
    public void Key_ring_ToString_shows_ids_only()
    {
        var ring = new EncryptionKeyRing("k1").Add("k1", Convert.FromBase64String(KeyA));

        Assert.Equal("EncryptionKeyRing(active=k1, ids=[k1])", ring.ToString());
    }
}
