namespace Atomiton.Storage.Testing;

// Catalogue 26–33 and L-1–L-4: listing (34, the many-keys case, is in Scale). The base listing is "every key
// under the prefix exactly once, in any order, resumable by a continuation token"; ordinal order and StartAfter
// need OrderedList, recursion RecursiveList, grouping into common prefixes ShallowList.
public abstract partial class StorageConformanceTests
{
    private static readonly string[] Tree =
    [
        "a/1.txt", "a/2.txt", "a/b/3.txt", "a/b/c/4.txt", "a/bc/5.txt", "a/d/6.txt", "a-sibling/7.txt", "a.txt", "z.txt",
    ];

    /// <summary>Catalogue 26: an empty store lists nothing, recursively or not.</summary>
    [Fact]
    public async Task Empty_store_lists_nothing()
    {
        Assert.Empty(await ListKeysAsync());
        if (Supports(StorageCapabilities.ShallowList))
        {
            Assert.Empty(await ListKeysAsync(recursive: false));
        }
    }

    /// <summary>Catalogue 27: a missing prefix lists nothing, without error.</summary>
    [Theory]
    [InlineData("missing/")]
    [InlineData("missing")]
    [InlineData("a/b/c/4.txt/")]
    [InlineData("zz")]
    public async Task Missing_prefix_lists_nothing(string prefix)
    {
        await SaveTreeAsync();

        Assert.Empty(await ListKeysAsync(prefix));
    }

    /// <summary>
    /// Catalogue 28: recursive listing returns every nested item exactly once (in ordinal order on engines declaring
    /// OrderedList), with no common prefixes. Skipped without RecursiveList (refused then: catalogue 49).
    /// </summary>
    [SkippableFact]
    public async Task Recursive_listing_returns_every_nested_item_once_in_ordinal_order()
    {
        SkipUnless(StorageCapabilities.RecursiveList, "the engine lists one \"folder\" at a time (its refusal of recursive listings is checked by Declared_capabilities_work_and_undeclared_ones_throw_Unsupported)");
        await SaveTreeAsync();

        var entries = await ListAsync(new ListOptions { Prefix = "a/" });
        Assert.All(entries, entry => Assert.False(entry.IsPrefix, $"a recursive listing returned the prefix '{entry.Key}'"));
        AssertListed(["a/1.txt", "a/2.txt", "a/b/3.txt", "a/b/c/4.txt", "a/bc/5.txt", "a/d/6.txt"], entries.ConvertAll(e => e.Key), "recursive 'a/'");
        await AssertListedAsync(Tree);
    }

    /// <summary>Catalogue 28: shallow listing returns direct items and each sub-"folder" once, as a common prefix ending with '/'.</summary>
    [Fact]
    public async Task Shallow_listing_returns_direct_items_and_each_common_prefix_once()
    {
        await SaveTreeAsync();
        if (!Supports(StorageCapabilities.ShallowList))
        {
            await AssertUnsupportedAsync(() => ListAsync(new ListOptions { Recursive = false }), nameof(StorageCapabilities.ShallowList));
            return;
        }

        var root = await ListAsync(new ListOptions { Recursive = false });
        AssertListed(["a-sibling/", "a.txt", "a/", "z.txt"], root.ConvertAll(e => e.Key), "shallow root");
        Assert.All(root, e => Assert.Equal(e.Key.EndsWith('/'), e.IsPrefix));

        var folder = await ListAsync(new ListOptions { Prefix = "a/", Recursive = false });
        AssertListed(["a/1.txt", "a/2.txt", "a/b/", "a/bc/", "a/d/"], folder.ConvertAll(e => e.Key), "shallow 'a/'");
        Assert.All(folder.Where(e => e.IsPrefix), e => Assert.Null(e.Item));
        Assert.All(folder.Where(e => !e.IsPrefix), e => Assert.Equal(e.Key, e.Item!.Key));

        AssertListed(["a/b/", "a/bc/"], await ListKeysAsync("a/b", recursive: false), "shallow 'a/b'");
    }

    /// <summary>Catalogue 29: 11 items listed with page size 5 (and 1, 11, 100) give exactly 11 distinct keys — each exactly once, in order where ordered.</summary>
    [Fact]
    public async Task Paging_returns_every_key_exactly_once()
    {
        var keys = Enumerable.Range(0, 11).Select(i => $"paged/{i:D2}").ToList();
        foreach (var key in keys)
        {
            await SaveAsync(key, Content(1, seed: key.GetHashCode(StringComparison.Ordinal)));
        }

        bool recursive = Supports(StorageCapabilities.RecursiveList);
        foreach (int pageSize in new[] { 5, 1, 11, 100 })
        {
            var listed = (await ListAsync(new ListOptions { Prefix = "paged/", PageSize = pageSize, Recursive = recursive })).ConvertAll(e => e.Key);
            AssertListed(keys, listed, $"page size {pageSize}");
        }
    }

    /// <summary>Catalogue 29: shallow paging returns each common prefix once even when a page ends inside a "folder".</summary>
    [SkippableFact]
    public async Task Shallow_paging_returns_each_common_prefix_once()
    {
        SkipUnless(StorageCapabilities.ShallowList, "there is no shallow listing to page (its refusal is checked by Shallow_listing_returns_direct_items_and_each_common_prefix_once)");
        await SaveTreeAsync();

        foreach (int pageSize in new[] { 1, 2, 3 })
        {
            var listed = (await ListAsync(new ListOptions { Prefix = "a/", Recursive = false, PageSize = pageSize })).ConvertAll(e => e.Key);
            AssertListed(["a/1.txt", "a/2.txt", "a/b/", "a/bc/", "a/d/"], listed, $"shallow page size {pageSize}");
        }
    }

    /// <summary>Catalogue E-7: a page size of zero or less is refused with InvalidArgument.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Non_positive_page_size_is_refused_with_InvalidArgument(int pageSize) =>
        await AssertFailsAsync(StorageErrorCode.InvalidArgument, () => ListAsync(new ListOptions { PageSize = pageSize, Recursive = Supports(StorageCapabilities.RecursiveList) }));

    /// <summary>Catalogue 30: StartAfter is exclusive and resumes with only the remaining keys, in order. Needs OrderedList (without it StartAfter is refused: catalogue 49).</summary>
    [SkippableFact]
    public async Task StartAfter_resumes_with_only_the_remaining_keys_in_order()
    {
        SkipUnless(StorageCapabilities.OrderedList | StorageCapabilities.RecursiveList, "StartAfter needs ordinal order, checked here over a recursive listing (the refusal of StartAfter is checked by Declared_capabilities_work_and_undeclared_ones_throw_Unsupported)");
        await SaveTreeAsync();

        Assert.Equal(["a/b/c/4.txt", "a/bc/5.txt", "a/d/6.txt"], (await ListAsync(new ListOptions { Prefix = "a/", StartAfter = "a/b/3.txt" })).ConvertAll(e => e.Key));
        Assert.Equal(["a/bc/5.txt", "a/d/6.txt"], (await ListAsync(new ListOptions { Prefix = "a/", StartAfter = "a/b/zzz" })).ConvertAll(e => e.Key));
        Assert.Equal(Tree.Order(StringComparer.Ordinal), (await ListAsync(new ListOptions { StartAfter = "" })).ConvertAll(e => e.Key));
        Assert.Empty(await ListAsync(new ListOptions { StartAfter = "z.txt" }));
        Assert.Equal(["a.txt", "a/1.txt"], (await ListAsync(new ListOptions { StartAfter = "a-sibling/7.txt", PageSize = 2 })).ConvertAll(e => e.Key).Take(2));
    }

    /// <summary>Catalogue 30: StartAfter in a shallow listing skips common prefixes that sort at or before it.</summary>
    [SkippableFact]
    public async Task StartAfter_in_a_shallow_listing_skips_earlier_common_prefixes()
    {
        SkipUnless(StorageCapabilities.ShallowList | StorageCapabilities.OrderedList, "StartAfter in a shallow listing needs both (their refusals are checked by Declared_capabilities_work_and_undeclared_ones_throw_Unsupported)");
        await SaveTreeAsync();

        Assert.Equal(["a/bc/", "a/d/"], (await ListAsync(new ListOptions { Prefix = "a/", Recursive = false, StartAfter = "a/b/" })).ConvertAll(e => e.Key));
        Assert.Equal(["a/", "z.txt"], (await ListAsync(new ListOptions { Recursive = false, StartAfter = "a.txt" })).ConvertAll(e => e.Key));
    }

    /// <summary>
    /// Catalogue L-1: a listing resumed from any entry's <see cref="StorageEntry.ResumePoint"/> (its continuation token,
    /// or its key on engines that resume by key) returns exactly the entries after it — on ordered and unordered
    /// engines alike, at several page sizes.
    /// </summary>
    [Fact]
    public async Task Continuation_token_of_every_entry_resumes_with_exactly_the_rest()
    {
        var keys = Enumerable.Range(0, 13).Select(i => $"resume/{(i * 7) % 13:D2}/{i}").ToList();
        foreach (var key in keys)
        {
            await SaveAsync(key, Content(1, seed: key.Length));
        }

        bool recursive = Supports(StorageCapabilities.RecursiveList);
        var options = new ListOptions { Prefix = "resume/", Recursive = recursive };
        foreach (int? pageSize in new int?[] { null, 1, 4 })
        {
            await AssertResumesAsync(options with { PageSize = pageSize }, recursive ? keys : null);
        }
    }

    /// <summary>Catalogue L-2: a shallow listing resumed from any entry's resume point returns exactly the entries (objects and common prefixes) after it.</summary>
    [SkippableFact]
    public async Task Continuation_token_resumes_a_shallow_listing_with_exactly_the_rest()
    {
        SkipUnless(StorageCapabilities.ShallowList, "there is no shallow listing to resume (its refusal is checked by Shallow_listing_returns_direct_items_and_each_common_prefix_once)");
        await SaveTreeAsync();

        foreach (int? pageSize in new int?[] { null, 1, 2 })
        {
            await AssertResumesAsync(new ListOptions { Prefix = "a/", Recursive = false, PageSize = pageSize }, ["a/1.txt", "a/2.txt", "a/b/", "a/bc/", "a/d/"]);
            await AssertResumesAsync(new ListOptions { Recursive = false, PageSize = pageSize }, ["a-sibling/", "a.txt", "a/", "z.txt"]);
        }
    }

    /// <summary>Catalogue 31: prefixes are plain string prefixes — <c>flows/</c> never returns <c>flows-archive/x</c>; <c>a/b</c> does return <c>a/bc/x</c>.</summary>
    [Fact]
    public async Task Prefixes_are_plain_string_prefixes()
    {
        foreach (var key in new[] { "flows/x", "flows-archive/x", "flows.json", "flowsheet" })
        {
            await SaveAsync(key, Content(2));
        }

        await AssertListedAsync(["flows/x"], "flows/");
        await AssertListedAsync(["flows-archive/x", "flows.json", "flows/x", "flowsheet"], "flows");
        await AssertListedAsync(["flows-archive/x"], "flows-");
        await AssertListedAsync(["flows/x"], "flows/x");
    }

    /// <summary>
    /// Catalogue 31: on engines declaring OrderedList, keys are ordered by ordinal UTF-16 comparison
    /// (<see cref="string.CompareOrdinal(string, string)"/>), not by culture or UTF-8 bytes. On case-insensitive
    /// engines <c>B</c> is left out (it would name the object <c>b</c>), as are keys the engine's rules cannot store.
    /// </summary>
    [SkippableFact]
    public async Task Listing_is_in_ordinal_UTF16_order()
    {
        SkipUnless(StorageCapabilities.OrderedList, "listings come in the engine's own order (every key exactly once is checked by the other listing cases)");

        // U+FF21 sorts after an emoji's surrogates (D83D…) in UTF-16 but before it in UTF-8/code points.
        var keys = OrderingKeys(["b", "B", "a", "é", "Z", "_", "1", "\uFF21", "😀", "a/b", "a-b", "a.b"]);
        foreach (var key in keys)
        {
            await SaveAsync(key, Content(1));
        }

        var expected = keys.ToList();
        expected.Sort(string.CompareOrdinal);
        Assert.Equal(expected, await ListKeysAsync());
        Assert.True(expected.IndexOf("😀") < expected.IndexOf("\uFF21"), "the kit's own expectation is UTF-16 order");
    }

    /// <summary>Catalogue 32: listed entries carry the same size, times, ETag, content type and metadata as Stat.</summary>
    [Fact]
    public async Task Listed_entries_equal_Stat()
    {
        var options = new SaveOptions
        {
            ContentType = Supports(StorageCapabilities.ContentType) ? "text/plain" : null,
            Metadata = Supports(StorageCapabilities.UserMetadata) ? new Dictionary<string, string> { ["k"] = "v" } : null,
        };
        await SaveAsync("meta/one", Content(12), options);
        await SaveAsync("meta/two", Content(0));

        var entries = await ListAsync(new ListOptions { Prefix = "meta/" });
        Assert.Equal(2, entries.Count);
        foreach (var entry in entries)
        {
            Assert.Equal(await Engine.StatAsync(entry.Key), entry.Item);
        }
    }

    /// <summary>Catalogue 33: a saved key is visible to Stat and List within the engine's consistency bound; a deleted one disappears.</summary>
    [Fact]
    public async Task Saved_key_is_visible_to_Stat_and_List_and_deleted_key_disappears()
    {
        var saved = await SaveAsync("visible/now", Content(8));

        Assert.True(await EventuallyAsync(async () => await Engine.ExistsAsync("visible/now")), "stat/exists must see a save within the consistency bound");
        Assert.True(await EventuallyAsync(async () => (await ListKeysAsync("visible/")).Contains("visible/now")), "list must see a save within the consistency bound");
        Assert.Equal(saved, await Engine.StatAsync("visible/now"));

        if (Supports(StorageCapabilities.Delete))
        {
            await Engine.DeleteAsync("visible/now");
            Assert.True(await EventuallyAsync(async () => (await ListKeysAsync("visible/")).Count == 0), "list must drop a deleted key within the consistency bound");
        }
    }

    /// <summary>Catalogue 33: a listing's enumeration can be abandoned early and restarted.</summary>
    [Fact]
    public async Task Listing_can_be_abandoned_early()
    {
        await SaveTreeAsync();

        bool recursive = Supports(StorageCapabilities.RecursiveList);
        var expected = recursive ? Tree : ["a-sibling/", "a.txt", "a/", "z.txt"];
        await foreach (var entry in Engine.ListAsync(new ListOptions { PageSize = 2, Recursive = recursive }))
        {
            Assert.Equal(Ordered ? expected.Min(StringComparer.Ordinal) : entry.Key, entry.Key);
            Assert.Contains(entry.Key, expected);
            break;
        }

        AssertListed(expected, (await ListAsync(new ListOptions { Recursive = recursive })).ConvertAll(e => e.Key), "after an abandoned listing");
    }

    private async Task SaveTreeAsync()
    {
        foreach (var key in Tree)
        {
            await SaveAsync(key, Content(3));
        }
    }

    /// <summary>The keys of an ordering case this engine can hold apart: one spelling per case-folded key on case-insensitive engines, and only keys its rules can store.</summary>
    private List<string> OrderingKeys(IEnumerable<string> keys)
    {
        var comparer = Has(StorageTraits.CaseInsensitiveKeys) ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var kept = keys.Where(Representable).Distinct(comparer).ToList();
        // On drives a file and a folder cannot share a name: keep 'a/b' and leave out 'a'.
        var comparison = Has(StorageTraits.CaseInsensitiveKeys) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return Engine.KeyRules.ObjectAndFolderMayShareName ? kept : kept.Where(k => !kept.Any(other => other.StartsWith(k + "/", comparison))).ToList();
    }

    /// <summary>
    /// Lists with <paramref name="options"/>, then resumes from every entry's resume point and checks the resumed
    /// listing returns exactly the entries after it (in the same order on ordered engines). When
    /// <paramref name="expected"/> is given, the first listing must hold exactly those keys.
    /// </summary>
    private async Task AssertResumesAsync(ListOptions options, IReadOnlyList<string>? expected)
    {
        var full = await ListAsync(options);
        var keys = full.ConvertAll(e => e.Key);
        if (expected is not null)
        {
            AssertListed(expected, keys, $"listing {Describe(options)}");
        }

        for (int i = 0; i < full.Count; i++)
        {
            var resumed = (await ListAsync(options with { ContinuationToken = full[i].ResumePoint })).ConvertAll(e => e.Key);
            var rest = keys.Skip(i + 1).ToList();
            if (Ordered)
            {
                Assert.True(rest.SequenceEqual(resumed), $"{Describe(options)}: resuming after '{full[i].Key}' listed [{string.Join(", ", resumed)}]; the rest of the listing is [{string.Join(", ", rest)}].");
            }
            else
            {
                AssertListed(rest, resumed, $"{Describe(options)}, resumed after '{full[i].Key}' (entry {i + 1} of {full.Count})");
            }
        }
    }

    private static string Describe(ListOptions options) =>
        $"'{options.Prefix}' {(options.Recursive ? "recursive" : "shallow")}, page size {options.PageSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"}";
}
