using Atomiton.Storage.Memory;
using Atomiton.Storage.Plugins.FileSystem;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

public sealed class EncryptedKeyNameTests
{
    private static readonly string[] Keys = ["flows/a.json", "flows/b.json", "flows/sub/c.json", "flows-archive/x", "zeta", "é/世界 😀"];

    [Fact]
    public async Task The_backend_never_sees_plaintext_names()
    {
        var inner = new MemoryEngine();
        await using var engine = await SeedAsync(inner);

        await foreach (var entry in inner.ListAsync())
        {
            Assert.DoesNotContain("flows", entry.Key, StringComparison.Ordinal);
            Assert.DoesNotContain("json", entry.Key, StringComparison.Ordinal);
        }

        Assert.Equal(Keys.Length, inner.Count);
    }

    [Fact]
    public async Task Lookups_and_listings_return_plaintext_names_in_order()
    {
        await using var engine = await SeedAsync(new MemoryEngine());

        Assert.Equal(Keys.Order(StringComparer.Ordinal), await engine.ListAsync().Select(e => e.Key).ToListAsync());
        Assert.Equal(["flows/a.json", "flows/b.json", "flows/sub/c.json"], await ListKeys("flows/"));
        Assert.Equal(["flows-archive/x", "flows/a.json", "flows/b.json", "flows/sub/c.json"], await ListKeys("flows"));
        Assert.Equal(["flows/a.json"], await ListKeys("flows/a"));
        Assert.Equal(["flows/b.json", "flows/sub/c.json"], await engine.ListAsync(new ListOptions { Prefix = "flows/", StartAfter = "flows/a.json" }).Select(e => e.Key).ToListAsync());
        Assert.Equal(["flows/a.json", "flows/b.json", "flows/sub/"], await engine.ListAsync(new ListOptions { Prefix = "flows/", Recursive = false }).Select(e => e.Key).ToListAsync());
        Assert.Equal(16, (await engine.StatAsync("flows/sub/c.json")).Size);
        Assert.True(await engine.DeleteAsync("zeta"));
        Assert.False(await engine.ExistsAsync("zeta"));

        async Task<List<string>> ListKeys(string prefix) => await engine.ListAsync(new ListOptions { Prefix = prefix }).Select(e => e.Key).ToListAsync();
    }

    [Fact]
    public async Task A_tampered_name_is_an_integrity_error()
    {
        var inner = new MemoryEngine();
        await using var engine = await SeedAsync(inner);
        var stored = await inner.ListAsync().Select(e => e.Key).FirstAsync();
        await inner.MoveAsync(stored, stored[..^2] + (stored[^2] == 'A' ? "B" : "A") + stored[^1]);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.ListAsync().ToListAsync());

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
    }

    [Fact]
    public async Task A_segment_too_long_to_encrypt_is_an_invalid_key()
    {
        await using var engine = await WithKeyAsync(new MemoryEngine(), encryptKeys: true);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync(new string('x', 200), Content(1)));

        Assert.Equal(StorageErrorCode.InvalidKey, error.Code);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Keys_only_listings_over_a_backend_that_leaves_out_items_keep_plaintext_names(bool encryptKeys)
    {
        string folder = Path.Combine(Path.GetTempPath(), "atomiton-encrypted-keys-only-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var inner = new FileSystemEngine(new FileSystemOptions { BaseDir = folder });
            await using var engine = await SeedAsync(inner, encryptKeys);

            var keysOnly = await engine.ListAsync(new ListOptions { KeysOnly = true }).ToListAsync();
            var shallow = await engine.ListAsync(new ListOptions { Prefix = "flows/", Recursive = false, KeysOnly = true }).ToListAsync();
            var resumed = await engine.ListAsync(new ListOptions { Prefix = "flows", StartAfter = "flows/a.json", KeysOnly = true }).Select(e => e.Key).ToListAsync();

            Assert.Equal(Keys.Order(StringComparer.Ordinal), keysOnly.Select(e => e.Key));
            Assert.All(keysOnly, entry => Assert.True(entry.IsObject && entry.Item is null, $"'{entry.Key}' should be an object without its item"));
            Assert.Equal(["flows/a.json", "flows/b.json", "flows/sub/"], shallow.Select(e => e.Key));
            Assert.Equal([false, false, true], shallow.Select(e => e.IsPrefix));
            Assert.Equal(["flows/b.json", "flows/sub/c.json"], resumed);
            Assert.Equal(16, Assert.Single(await engine.ListAsync(new ListOptions { Prefix = "zeta" }).ToListAsync()).Item!.Size);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<Atomiton.Storage.Encrypted.EncryptedEngine> SeedAsync(IStorageEngine inner, bool encryptKeys = true)
    {
        var engine = await WithKeyAsync(inner, encryptKeys: encryptKeys);
        foreach (var key in Keys)
        {
            await engine.SaveAsync(key, Content(16));
        }

        return engine;
    }
}
