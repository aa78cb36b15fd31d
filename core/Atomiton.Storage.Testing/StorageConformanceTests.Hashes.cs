namespace Atomiton.Storage.Testing;

// Catalogue H-1 to H-10: content hashes, expected hashes, last-modified times, pinned reads, progress.
public abstract partial class StorageConformanceTests
{
    /// <summary>Catalogue H-1: an engine declaring ContentHashes names known algorithms, and every save, stat and listing item carries each of them with the right value.</summary>
    [SkippableFact]
    public async Task Declared_hashes_are_present_and_correct_on_save_stat_and_list_items()
    {
        Skip.IfNot(Supports(StorageCapabilities.ContentHashes), "the engine does not declare ContentHashes");
        var algorithms = (await Engine.GetInfoAsync()).HashAlgorithms;
        Assert.True(algorithms.Count > 0, "An engine declaring ContentHashes must name at least one algorithm in StorageInfo.HashAlgorithms.");
        Assert.All(algorithms, algorithm => Assert.True(StorageHashAlgorithms.IsKnown(algorithm), $"'{algorithm}' is not one of StorageHashAlgorithms.All."));

        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["hashes/empty"] = [],
            ["hashes/small"] = Content(37, seed: 11),
            ["hashes/chunks"] = Content(ChunkSize * 2 + 5, seed: 12),
        };
        foreach (var (key, content) in contents)
        {
            AssertHashes(algorithms, content, await SaveAsync(key, content), "save");
            AssertHashes(algorithms, content, await Engine.StatAsync(key), "stat");
        }

        var overwritten = Content(9, seed: 13);
        contents["hashes/small"] = overwritten;
        AssertHashes(algorithms, overwritten, await SaveAsync("hashes/small", overwritten), "save of an overwrite");
        AssertHashes(algorithms, overwritten, await Engine.StatAsync("hashes/small"), "stat after an overwrite");

        if (Supports(StorageCapabilities.List | StorageCapabilities.RecursiveList))
        {
            var listed = await ListAsync(new ListOptions { Prefix = "hashes/" });
            Assert.Equal(contents.Count, listed.Count);
            foreach (var entry in listed)
            {
                AssertHashes(algorithms, contents[entry.Key], entry.Item ?? throw new InvalidOperationException($"Listing entry '{entry.Key}' has no item."), "listing");
            }
        }
    }

    /// <summary>Catalogue H-2: a save whose expected hash does not match fails with Integrity and writes nothing — a new key stays missing, an existing key keeps its content and ETag. Every engine (the check is central).</summary>
    [Fact]
    public async Task Expected_hash_mismatch_fails_with_Integrity_and_writes_nothing()
    {
        var original = Content(40, seed: 21);
        var before = await SaveAsync("expect/existing", original);
        var wrong = new SaveOptions { ExpectedHashes = Hashes(StorageHashAlgorithms.Sha256, Content(40, seed: 22)) };

        var error = await AssertFailsAsync(StorageErrorCode.Integrity, async () => await SaveAsync("expect/new", Content(40, seed: 23), wrong));
        Assert.Equal("expect/new", error.Key);
        await AssertFailsAsync(StorageErrorCode.Integrity, async () => await Engine.SaveAsync("expect/existing", new SourceStream(ChunkSize + 1), wrong));
        await AssertFailsAsync(StorageErrorCode.Integrity, async () =>
            await SaveAsync("expect/existing", Content(40, seed: 24), new SaveOptions { ExpectedHashes = Hashes(StorageHashAlgorithms.Md5, Content(1)) }));

        await AssertAbsentAsync("expect/new");
        await AssertContentAsync("expect/existing", original);
        Assert.Equal(before.ETag, (await Engine.StatAsync("expect/existing")).ETag);
    }

    /// <summary>Catalogue H-3: a save whose expected hashes (every algorithm, hexadecimal in any case) match is stored, and its item equals a following stat. Every engine.</summary>
    [Fact]
    public async Task Matching_expected_hashes_save_the_content()
    {
        var content = SourceStream.Expected(ChunkSize + 7);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var algorithm in StorageHashAlgorithms.All)
        {
            string value = StorageContentHash.Compute(algorithm, content);
            expected[algorithm] = algorithm == StorageHashAlgorithms.QuickXor ? value : value.ToUpperInvariant();
        }

        var saved = await Engine.SaveAsync("expect/match", new SourceStream(ChunkSize + 7, maxRead: 1000), new SaveOptions { ExpectedHashes = expected });

        Assert.Equal(content.Length, saved.Size);
        await AssertContentAsync("expect/match", content);
        Assert.Equal(saved, await Engine.StatAsync("expect/match"));
    }

    /// <summary>Catalogue H-4: an expected hash naming an unknown algorithm, or with an empty value, is InvalidArgument and writes nothing. Every engine.</summary>
    [Fact]
    public async Task Unusable_expected_hash_is_InvalidArgument_and_writes_nothing()
    {
        await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () =>
            await SaveAsync("expect/unknown", Content(3), new SaveOptions { ExpectedHashes = new Dictionary<string, string> { ["crc32"] = "00000000" } }));
        await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () =>
            await SaveAsync("expect/unknown", Content(3), new SaveOptions { ExpectedHashes = new Dictionary<string, string> { [StorageHashAlgorithms.Sha256] = " " } }));

        await AssertAbsentAsync("expect/unknown");
    }

    /// <summary>Catalogue H-5: a declared SetLastModified keeps SaveOptions.LastModified to the declared precision on save, stat and listing items, separate from Updated; a save without one has none.</summary>
    [SkippableFact]
    public async Task Last_modified_round_trips_to_the_declared_precision_independent_of_Updated()
    {
        Skip.IfNot(Supports(StorageCapabilities.SetLastModified), "the engine does not declare SetLastModified");
        var precision = (await Engine.GetInfoAsync()).Limits.ModifiedTimePrecision;
        Assert.True(precision is { } p && p > TimeSpan.Zero, "An engine declaring SetLastModified must declare StorageLimits.ModifiedTimePrecision (a positive TimeSpan).");

        // Sub-second digits and a non-UTC offset: the engine may round to its precision, never further.
        var given = new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.FromHours(2)).AddTicks(1234567);
        var saved = await SaveAsync("mtime/a", Content(8), new SaveOptions { LastModified = given });
        AssertLastModified(given, precision!.Value, saved.LastModified, "save");
        AssertLastModified(given, precision.Value, (await Engine.StatAsync("mtime/a")).LastModified, "stat");
        Assert.True(saved.Updated != saved.LastModified, $"Updated ({saved.Updated:O}) is the engine's write time; it must not follow the client's LastModified.");

        if (Supports(StorageCapabilities.List | StorageCapabilities.RecursiveList))
        {
            var entry = Assert.Single(await ListAsync(new ListOptions { Prefix = "mtime/" }));
            AssertLastModified(given, precision.Value, entry.Item?.LastModified, "listing");
        }

        var later = await SaveAsync("mtime/a", Content(9));
        Assert.Null(later.LastModified);
        Assert.Null((await Engine.StatAsync("mtime/a")).LastModified);
        Assert.True(later.Updated >= saved.Updated, "Updated never goes backwards.");
    }

    /// <summary>Catalogue H-6: without SetLastModified, a save with LastModified is UnsupportedOperation and writes nothing (catalogue 49).</summary>
    [SkippableFact]
    public async Task Last_modified_without_the_capability_is_unsupported_and_writes_nothing()
    {
        Skip.If(Supports(StorageCapabilities.SetLastModified), "the engine declares SetLastModified (checked by catalogue H-5)");

        await AssertUnsupportedAsync(async () => await SaveAsync("mtime/none", Content(2), new SaveOptions { LastModified = DateTimeOffset.UnixEpoch }), nameof(StorageCapabilities.SetLastModified));

        await AssertAbsentAsync("mtime/none");
    }

    /// <summary>Catalogue H-7: copies and moves keep the content hashes and the last-modified time of the source, where the engine declares them.</summary>
    [SkippableFact]
    public async Task Copy_and_move_keep_hashes_and_last_modified()
    {
        Skip.IfNot(Supports(StorageCapabilities.ContentHashes) || Supports(StorageCapabilities.SetLastModified), "the engine declares neither ContentHashes nor SetLastModified");
        var content = Content(70, seed: 41);
        var given = new DateTimeOffset(2010, 6, 7, 8, 9, 10, TimeSpan.Zero);
        var source = await SaveAsync("keep/source", content, Supports(StorageCapabilities.SetLastModified) ? new SaveOptions { LastModified = given } : null);

        var copied = await Engine.CopyAsync("keep/source", "keep/copy");
        var moved = await Engine.MoveAsync("keep/source", "keep/moved");

        foreach (var (what, item) in new[] { ("copy", copied), ("stat of the copy", await Engine.StatAsync("keep/copy")), ("move", moved), ("stat of the moved object", await Engine.StatAsync("keep/moved")) })
        {
            if (Supports(StorageCapabilities.ContentHashes))
            {
                AssertHashes((await Engine.GetInfoAsync()).HashAlgorithms, content, item, what);
            }

            Assert.True(source.LastModified == item.LastModified, $"The {what} has LastModified {item.LastModified:O}; the source had {source.LastModified:O}.");
        }
    }

    /// <summary>Catalogue H-8: a pinned read (ReadOptions.IfMatch) returns the version it names; after an overwrite it throws Conflict, and for a missing key NotFound, returning no content. Every engine (the check is central).</summary>
    [Fact]
    public async Task Pinned_read_returns_the_version_or_conflicts_after_an_overwrite()
    {
        var first = Content(30, seed: 51);
        var version = await SaveAsync("pinned", first);

        await using (var read = await Engine.OpenReadAsync("pinned", new ReadOptions { IfMatch = version.ETag }))
        {
            Assert.Equal(version.ETag, read.Item.ETag);
            using var copy = new MemoryStream();
            await read.Content.CopyToAsync(copy);
            Assert.Equal(first, copy.ToArray());
        }

        Assert.Equal(first, await LoadAsync("pinned", new ReadOptions { IfMatch = version.ETag }));

        await SaveAsync("pinned", Content(31, seed: 52));
        var error = await AssertFailsAsync(StorageErrorCode.Conflict, async () => await Engine.OpenReadAsync("pinned", new ReadOptions { IfMatch = version.ETag }), "the pinned version was overwritten");
        Assert.Equal("pinned", error.Key);
        await AssertFailsAsync(StorageErrorCode.Conflict, async () => await LoadAsync("pinned", new ReadOptions { IfMatch = version.ETag }), "the pinned version was overwritten");
        await AssertFailsAsync(StorageErrorCode.NotFound, async () => await Engine.OpenReadAsync("pinned/missing", new ReadOptions { IfMatch = version.ETag }));
    }

    /// <summary>Catalogue H-9: progress reported by a save and a load never goes backwards and reaches the object's size. Every engine (reported centrally).</summary>
    [Fact]
    public async Task Progress_of_save_and_load_reaches_the_object_size()
    {
        int size = ChunkSize * 2 + 3;
        var saving = new ProgressLog();
        await Engine.SaveAsync("progress", new SourceStream(size), new SaveOptions { Progress = saving, ExpectedLength = size });
        saving.AssertReached(size, "save");

        var loading = new ProgressLog();
        await using (var read = await Engine.OpenReadAsync("progress", new ReadOptions { Progress = loading }))
        {
            await read.Content.CopyToAsync(Stream.Null);
        }

        loading.AssertReached(size, "load");
    }

    /// <summary>Catalogue H-10: an empty or unknown algorithm list is honest — an engine without ContentHashes reports no HashAlgorithms it does not always provide.</summary>
    [SkippableFact]
    public async Task Engine_without_ContentHashes_declares_no_hash_algorithms()
    {
        Skip.If(Supports(StorageCapabilities.ContentHashes), "the engine declares ContentHashes (checked by catalogue H-1)");

        Assert.Empty((await Engine.GetInfoAsync()).HashAlgorithms);
    }

    private static Dictionary<string, string> Hashes(string algorithm, byte[] content) =>
        new(StringComparer.Ordinal) { [algorithm] = StorageContentHash.Compute(algorithm, content) };

    private static void AssertHashes(IReadOnlyList<string> algorithms, byte[] content, StorageItem item, string where)
    {
        foreach (var algorithm in algorithms)
        {
            Assert.True(item.Hashes.TryGetValue(algorithm, out var value), $"The {where} item of '{item.Key}' lacks the declared {algorithm} hash.");
            string expected = StorageContentHash.Compute(algorithm, content);
            Assert.True(StorageContentHash.ValuesEqual(algorithm, expected, value), $"The {where} item of '{item.Key}' says {algorithm} {value}; its content's is {expected}.");
        }
    }

    private static void AssertLastModified(DateTimeOffset given, TimeSpan precision, DateTimeOffset? actual, string where)
    {
        Assert.True(actual is not null, $"The {where} item lost LastModified ({given:O}).");
        var difference = (actual!.Value - given).Duration();
        Assert.True(difference < precision, $"The {where} item has LastModified {actual:O}; {given:O} was given and the declared precision is {precision}.");
    }

    /// <summary>Records progress reports synchronously (<see cref="Progress{T}"/> would post them later).</summary>
    private sealed class ProgressLog : IProgress<StorageProgress>
    {
        private readonly List<StorageProgress> _reports = [];

        public void Report(StorageProgress value)
        {
            lock (_reports)
            {
                _reports.Add(value);
            }
        }

        public void AssertReached(long size, string operation)
        {
            lock (_reports)
            {
                Assert.True(_reports.Count > 0, $"The {operation} reported no progress.");
                for (int i = 1; i < _reports.Count; i++)
                {
                    Assert.True(_reports[i].BytesTransferred >= _reports[i - 1].BytesTransferred, $"The {operation}'s progress went backwards ({_reports[i - 1].BytesTransferred} then {_reports[i].BytesTransferred}).");
                }

                Assert.Equal(size, _reports[^1].BytesTransferred);
            }
        }
    }
}
