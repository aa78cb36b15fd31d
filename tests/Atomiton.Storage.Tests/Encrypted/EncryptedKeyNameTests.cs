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
    public async Task Lookups_and_listings_return_plaintext_names_unordered_and_refuse_StartAfter()
    {
        await using var engine = await SeedAsync(new MemoryEngine());

        Assert.False(engine.Capabilities.HasFlag(StorageCapabilities.OrderedList));
        Assert.True(engine.Traits.HasFlag(StorageTraits.UnorderedListing));
        Assert.Equal(Keys.Order(StringComparer.Ordinal), await ListKeys(""));
        Assert.Equal(["flows/a.json", "flows/b.json", "flows/sub/c.json"], await ListKeys("flows/"));
        Assert.Equal(["flows-archive/x", "flows/a.json", "flows/b.json", "flows/sub/c.json"], await ListKeys("flows"));
        Assert.Equal(["flows/a.json"], await ListKeys("flows/a"));
        var refused = await Assert.ThrowsAsync<StorageException>(async () => await engine.ListAsync(new ListOptions { Prefix = "flows/", StartAfter = "flows/a.json" }).ToListAsync());
        Assert.Equal(StorageErrorCode.UnsupportedOperation, refused.Code);
        Assert.Equal(["flows/a.json", "flows/b.json", "flows/sub/"], (await engine.ListAsync(new ListOptions { Prefix = "flows/", Recursive = false }).Select(e => e.Key).ToListAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(16, (await engine.StatAsync("flows/sub/c.json")).Size);
        Assert.True(await engine.DeleteAsync("zeta"));
        Assert.False(await engine.ExistsAsync("zeta"));

        async Task<List<string>> ListKeys(string prefix) => (await engine.ListAsync(new ListOptions { Prefix = prefix }).Select(e => e.Key).ToListAsync()).Order(StringComparer.Ordinal).ToList();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task A_listing_resumed_by_token_lists_every_key_exactly_once(int firstPart)
    {
        await using var engine = await SeedAsync(new MemoryEngine());

        var first = await engine.ListAsync().Take(firstPart).ToListAsync();
        Assert.All(first, entry => Assert.NotNull(entry.ContinuationToken));
        var rest = await engine.ListAsync(new ListOptions { ContinuationToken = first[^1].ContinuationToken }).Select(e => e.Key).ToListAsync();

        Assert.Equal(Keys.Order(StringComparer.Ordinal), first.Select(e => e.Key).Concat(rest).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Key_rules_are_derived_from_the_engine_beneath()
    {
        await using var engine = await WithKeyAsync(new RulesEngine(new MemoryEngine(), new StorageKeyRules { MaxKeyBytes = 600, MaxSegmentBytes = 128, CaseInsensitive = true, ForbiddenCharacters = "*" }), encryptKeys: true);

        var rules = engine.KeyRules;
        Assert.Equal(80, rules.MaxSegmentBytes); // 22 + 4 × 80 / 3 = 128 characters
        Assert.True(rules.MaxKeyBytes is > 300 and < 600, $"MaxKeyBytes {rules.MaxKeyBytes}");
        Assert.False(rules.CaseInsensitive);
        Assert.Equal(string.Empty, rules.ForbiddenCharacters);
        Assert.False(engine.Traits.HasFlag(StorageTraits.CaseInsensitiveKeys));
        await engine.SaveAsync(new string('x', 80) + "/a*b", Content(1));
        Assert.True(await engine.ExistsAsync(new string('x', 80) + "/a*b"));
        var tooLong = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync(new string('x', 81), Content(1)));
        Assert.Equal(StorageErrorCode.UnrepresentableKey, tooLong.Code);
        string manyShort = string.Join("/", Enumerable.Repeat("a", 40));
        var grows = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync(manyShort, Content(1)));
        Assert.Equal(StorageErrorCode.UnrepresentableKey, grows.Code);
        Assert.Contains("encrypted name", grows.Message, StringComparison.Ordinal);
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
    public async Task A_segment_too_long_to_encrypt_is_an_unrepresentable_key()
    {
        await using var engine = await WithKeyAsync(new MemoryEngine(), encryptKeys: true);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync(new string('x', 200), Content(1)));

        Assert.Equal(StorageErrorCode.UnrepresentableKey, error.Code);
        Assert.Equal(175, engine.KeyRules.MaxSegmentBytes);
        Assert.Empty(await engine.ListAsync().ToListAsync());
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
            var firstOfFlows = await engine.ListAsync(new ListOptions { Prefix = "flows", KeysOnly = true }).FirstAsync();
            var resumed = await engine.ListAsync(new ListOptions { Prefix = "flows", ContinuationToken = firstOfFlows.ResumePoint, KeysOnly = true }).Select(e => e.Key).ToListAsync();

            Assert.Equal(Keys.Order(StringComparer.Ordinal), keysOnly.Select(e => e.Key).Order(StringComparer.Ordinal));
            Assert.All(keysOnly, entry => Assert.True(entry.IsObject && entry.Item is null, $"'{entry.Key}' should be an object without its item"));
            Assert.Equal(["flows/a.json", "flows/b.json", "flows/sub/"], shallow.Select(e => e.Key).Order(StringComparer.Ordinal));
            Assert.Equal(1, shallow.Count(e => e.IsPrefix));
            Assert.Equal(["flows-archive/x", "flows/a.json", "flows/b.json", "flows/sub/c.json"], resumed.Append(firstOfFlows.Key).Order(StringComparer.Ordinal));
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

    /// <summary>A pass-through that declares the given key rules (a backend with short names).</summary>
    private sealed class RulesEngine(IStorageEngine inner, StorageKeyRules rules) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "rules";

        public override StorageKeyRules KeyRules => rules;
    }
}
