namespace Atomiton.Storage.Testing;

/// <summary>
/// The conformance kit for engines that cannot write (an archive, a published bucket, a read-only mount):
/// derive from it and return, from <see cref="CreateEngineAsync"/>, an engine that holds exactly
/// <see cref="SeedContent"/>. The cases read, stat and list the seeded objects (catalogue RO-1–RO-9) and check
/// that every write is refused with <see cref="StorageErrorCode.UnsupportedOperation"/> and changes nothing.
/// Cases gated on a capability the engine does not declare are skipped with the reason, or check the refusal.
/// </summary>
public abstract class ReadOnlyStorageConformanceTests : IAsyncLifetime
{
    private IStorageEngine? _engine;

    /// <summary>What the engine under test must hold: key → content (an empty object, a 200 KiB one, nested and special-character keys).</summary>
    public static IReadOnlyDictionary<string, byte[]> SeedContent { get; } = new Dictionary<string, byte[]>(StringComparer.Ordinal)
    {
        ["readme.txt"] = Bytes(100, 1),
        ["empty"] = [],
        ["big.bin"] = Bytes(200 * 1024, 2),
        ["docs/guide.md"] = Bytes(10, 3),
        ["docs/deep/note.txt"] = Bytes(20, 4),
        ["docs-other/x"] = Bytes(30, 5),
        ["special/世界 ü (1).txt"] = Bytes(40, 6),
    };

    /// <summary>The engine under test, created before each case.</summary>
    protected IStorageEngine Engine => _engine ?? throw new InvalidOperationException("The engine is created in InitializeAsync; do not use it from a constructor.");

    /// <summary>Creates an engine holding exactly <paramref name="content"/> (always <see cref="SeedContent"/>); the kit disposes it.</summary>
    protected abstract ValueTask<IStorageEngine> CreateEngineAsync(IReadOnlyDictionary<string, byte[]> content);

    /// <summary>Creates the engine for one case.</summary>
    public virtual async Task InitializeAsync()
    {
        _engine = await CreateEngineAsync(SeedContent);
        Assert.True(_engine is not null, "CreateEngineAsync returned null; return an engine holding the seed content.");
    }

    /// <summary>Disposes the case's engine.</summary>
    public virtual async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
            _engine = null;
        }
    }

    /// <summary>Catalogue RO-1: the engine reads and lists, does not declare Write, and GetInfo reports what it declares.</summary>
    [Fact]
    public async Task Engine_declares_read_and_list_without_write()
    {
        Assert.True(Supports(StorageCapabilities.Read | StorageCapabilities.List), $"The read-only kit needs Read and List; the engine declares {Engine.Capabilities}.");
        Assert.True(Supports(StorageCapabilities.RecursiveList) || Supports(StorageCapabilities.ShallowList), "A listing engine lists recursively or shallowly (declare RecursiveList or ShallowList).");
        Assert.False(Supports(StorageCapabilities.Write), $"{Engine.EngineType} declares Write: run the full kit (StorageConformanceTests) instead.");
        var info = await Engine.GetInfoAsync();
        Assert.Equal(Engine.EngineType, info.EngineType);
        Assert.Equal(Engine.Capabilities, info.Capabilities);
        Assert.Equal(Engine.Traits, info.Traits);
    }

    /// <summary>Catalogue RO-2: every seeded object loads back exactly; stat and open-read report its key and length.</summary>
    [Fact]
    public async Task Seeded_objects_load_back_exactly_and_stat_reports_their_length()
    {
        foreach (var (key, content) in SeedContent)
        {
            Assert.Equal(content, await Engine.LoadBytesAsync(key));
            var item = await Engine.StatAsync(key);
            Assert.Equal(key, item.Key);
            Assert.Equal(content.Length, item.Size);
            Assert.False(string.IsNullOrEmpty(item.ETag), "every object has an ETag");
            Assert.True(await Engine.ExistsAsync(key));
            await using var read = await Engine.OpenReadAsync(key);
            Assert.Equal(item, read.Item);
        }
    }

    /// <summary>Catalogue RO-3: load and stat of a missing key (also under a missing "folder" and a seeded folder name) throw NotFound naming the key.</summary>
    [Theory]
    [InlineData("missing")]
    [InlineData("no/such/folder/file")]
    [InlineData("docs")]
    public async Task Load_and_stat_of_a_missing_key_throw_NotFound(string key)
    {
        var error = await AssertFailsAsync(StorageErrorCode.NotFound, async () => await Engine.LoadBytesAsync(key));
        Assert.Equal(key, error.Key);
        await AssertFailsAsync(StorageErrorCode.NotFound, async () => await Engine.StatAsync(key));
        Assert.False(await Engine.ExistsAsync(key));
    }

    /// <summary>Catalogue RO-4: a listing returns every seeded key exactly once (in ordinal order where ordered), entries equal Stat, and prefixes are plain string prefixes.</summary>
    [Fact]
    public async Task Listing_returns_every_seeded_key_exactly_once()
    {
        var entries = await ListAllAsync(string.Empty);
        AssertListed(SeedContent.Keys, entries.ConvertAll(e => e.Key), "the whole listing");
        foreach (var entry in entries.Where(e => e.Item is not null))
        {
            Assert.Equal(await Engine.StatAsync(entry.Key), entry.Item);
        }

        AssertListed(["docs/deep/note.txt", "docs/guide.md"], (await ListAllAsync("docs/")).ConvertAll(e => e.Key), "'docs/'");
        AssertListed(["docs-other/x", "docs/deep/note.txt", "docs/guide.md"], (await ListAllAsync("docs")).ConvertAll(e => e.Key), "'docs'");
        Assert.Empty(await ListAllAsync("missing/"));
    }

    /// <summary>Catalogue RO-5: a shallow listing returns direct objects and each common prefix once; without ShallowList it is refused.</summary>
    [Fact]
    public async Task Shallow_listing_returns_direct_objects_and_each_common_prefix_once()
    {
        if (!Supports(StorageCapabilities.ShallowList))
        {
            await AssertFailsAsync(StorageErrorCode.UnsupportedOperation, () => DrainAsync(new ListOptions { Recursive = false }));
            return;
        }

        var root = await DrainAsync(new ListOptions { Recursive = false });
        AssertListed(["big.bin", "docs-other/", "docs/", "empty", "readme.txt", "special/"], root.ConvertAll(e => e.Key), "shallow root");
        Assert.All(root.Where(e => e.IsPrefix), e => Assert.Null(e.Item));
        AssertListed(["docs/deep/", "docs/guide.md"], (await DrainAsync(new ListOptions { Prefix = "docs/", Recursive = false })).ConvertAll(e => e.Key), "shallow 'docs/'");
    }

    /// <summary>Catalogue RO-6: a listing resumed from any entry's resume point returns exactly the entries after it.</summary>
    [Fact]
    public async Task Continuation_token_of_every_entry_resumes_with_exactly_the_rest()
    {
        var options = new ListOptions { Recursive = Supports(StorageCapabilities.RecursiveList), PageSize = 2 };
        var full = await DrainAsync(options);
        for (int i = 0; i < full.Count; i++)
        {
            var resumed = (await DrainAsync(options with { ContinuationToken = full[i].ResumePoint })).ConvertAll(e => e.Key);
            AssertListed(full.Skip(i + 1).Select(e => e.Key), resumed, $"resumed after '{full[i].Key}'");
        }
    }

    /// <summary>Catalogue RO-7: ranged reads return exactly the bytes asked for (clamped at the end); without RangeRead they are refused.</summary>
    [Fact]
    public async Task Ranged_reads_return_exactly_those_bytes()
    {
        var content = SeedContent["big.bin"];
        if (!Supports(StorageCapabilities.RangeRead))
        {
            await AssertFailsAsync(StorageErrorCode.UnsupportedOperation, async () => await Engine.LoadBytesAsync("big.bin", new ReadOptions { Range = ByteRange.From(1, 2) }));
            return;
        }

        Assert.Equal(content[5..16], await Engine.LoadBytesAsync("big.bin", new ReadOptions { Range = ByteRange.From(5, 11) }));
        Assert.Equal(content[^7..], await Engine.LoadBytesAsync("big.bin", new ReadOptions { Range = ByteRange.Suffix(7) }));
        Assert.Equal(content[(content.Length - 3)..], await Engine.LoadBytesAsync("big.bin", new ReadOptions { Range = ByteRange.From(content.Length - 3, 100) }));
        Assert.Empty(await Engine.LoadBytesAsync("empty", new ReadOptions { Range = ByteRange.From(0, 5) }));
    }

    /// <summary>Catalogue RO-8: every write — save, delete, batch delete, copy, move — is refused with UnsupportedOperation and changes nothing.</summary>
    [Fact]
    public async Task Writes_are_refused_with_UnsupportedOperation_and_change_nothing()
    {
        var before = await Engine.StatAsync("readme.txt");

        await AssertFailsAsync(StorageErrorCode.UnsupportedOperation, async () => await Engine.SaveAsync("readme.txt", new ReadOnlyMemory<byte>([1, 2, 3])), "overwrite");
        await AssertFailsAsync(StorageErrorCode.UnsupportedOperation, async () => await Engine.SaveAsync("new", new MemoryStream([1])), "save of a stream");
        await AssertFailsAsync(StorageErrorCode.UnsupportedOperation, async () => await Engine.CopyAsync("readme.txt", "copy"), "copy");
        await AssertFailsAsync(StorageErrorCode.UnsupportedOperation, async () => await Engine.MoveAsync("readme.txt", "moved"), "move");
        if (!Supports(StorageCapabilities.Delete))
        {
            await AssertFailsAsync(StorageErrorCode.UnsupportedOperation, async () => await Engine.DeleteAsync("readme.txt"), "delete");
            await AssertFailsAsync(StorageErrorCode.UnsupportedOperation, async () => await Engine.DeleteManyAsync(["readme.txt", "empty"]), "batch delete");
        }

        Assert.Equal(before, await Engine.StatAsync("readme.txt"));
        Assert.Equal(SeedContent["readme.txt"], await Engine.LoadBytesAsync("readme.txt"));
        AssertListed(SeedContent.Keys, (await ListAllAsync(string.Empty)).ConvertAll(e => e.Key), "after refused writes");
    }

    /// <summary>Catalogue RO-9: invalid keys and prefixes are refused with InvalidKey.</summary>
    [Theory]
    [InlineData("/a")]
    [InlineData("a//b")]
    [InlineData("a/../b")]
    [InlineData("a/")]
    public async Task Invalid_keys_are_refused_with_InvalidKey(string key)
    {
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.LoadBytesAsync(key));
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.StatAsync(key));
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.ExistsAsync(key));
        if (!key.EndsWith('/'))
        {
            await AssertFailsAsync(StorageErrorCode.InvalidKey, () => DrainAsync(new ListOptions { Prefix = key, Recursive = Supports(StorageCapabilities.RecursiveList) }));
        }
    }

    private bool Supports(StorageCapabilities capabilities) => (Engine.Capabilities & capabilities) == capabilities;

    private void AssertListed(IEnumerable<string> expected, List<string> listed, string what)
    {
        var sorted = expected.Order(StringComparer.Ordinal).ToList();
        Assert.True(listed.Distinct(StringComparer.Ordinal).Count() == listed.Count, $"{what}: the listing returned a key twice: [{string.Join(", ", listed)}].");
        var actual = Supports(StorageCapabilities.OrderedList) ? listed.ToList() : [.. listed.Order(StringComparer.Ordinal)];
        Assert.True(sorted.SequenceEqual(actual), $"{what}: expected [{string.Join(", ", sorted)}]{(Supports(StorageCapabilities.OrderedList) ? " in ordinal order" : "")} but the listing returned [{string.Join(", ", listed)}].");
    }

    private async Task<List<StorageEntry>> DrainAsync(ListOptions options)
    {
        var entries = new List<StorageEntry>();
        await foreach (var entry in Engine.ListAsync(options))
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>Every object under <paramref name="prefix"/>: one recursive listing, or a walk of shallow ones.</summary>
    private async Task<List<StorageEntry>> ListAllAsync(string prefix)
    {
        if (Supports(StorageCapabilities.RecursiveList))
        {
            return await DrainAsync(new ListOptions { Prefix = prefix });
        }

        var entries = new List<StorageEntry>();
        foreach (var entry in await DrainAsync(new ListOptions { Prefix = prefix, Recursive = false }))
        {
            entries.AddRange(entry.IsPrefix ? await ListAllAsync(entry.Key) : [entry]);
        }

        return entries;
    }

    private static async Task<StorageException> AssertFailsAsync(StorageErrorCode code, Func<Task> action, string? what = null)
    {
        var error = await Assert.ThrowsAsync<StorageException>(action);
        Assert.True(error.Code == code, $"Expected {code}{(what is null ? "" : " (" + what + ")")} but got {error.Code}: {error.Message}");
        return error;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
