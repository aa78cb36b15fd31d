namespace Atomiton.Storage.Testing;

// Catalogue 26–33: listing (34, the many-keys case, is in Scale).
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

    /// <summary>Catalogue 28: recursive listing returns every nested item once, in ordinal order, with no common prefixes.</summary>
    [Fact]
    public async Task Recursive_listing_returns_every_nested_item_once_in_ordinal_order()
    {
        await SaveTreeAsync();

        var entries = await ListAsync(new ListOptions { Prefix = "a/" });
        Assert.All(entries, entry => Assert.False(entry.IsPrefix, $"a recursive listing returned the prefix '{entry.Key}'"));
        Assert.Equal(["a/1.txt", "a/2.txt", "a/b/3.txt", "a/b/c/4.txt", "a/bc/5.txt", "a/d/6.txt"], entries.ConvertAll(e => e.Key));
        Assert.Equal(Tree.Order(StringComparer.Ordinal), await ListKeysAsync());
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
        Assert.Equal(["a-sibling/", "a.txt", "a/", "z.txt"], root.ConvertAll(e => e.Key));
        Assert.Equal([true, false, true, false], root.ConvertAll(e => e.IsPrefix));

        var folder = await ListAsync(new ListOptions { Prefix = "a/", Recursive = false });
        Assert.Equal(["a/1.txt", "a/2.txt", "a/b/", "a/bc/", "a/d/"], folder.ConvertAll(e => e.Key));
        Assert.All(folder.Where(e => e.IsPrefix), e => Assert.Null(e.Item));
        Assert.All(folder.Where(e => !e.IsPrefix), e => Assert.Equal(e.Key, e.Item!.Key));

        Assert.Equal(["a/b/", "a/bc/"], await ListKeysAsync("a/b", recursive: false));
    }

    /// <summary>Catalogue 29: 11 items listed with page size 5 give exactly 11 distinct keys, in order.</summary>
    [Fact]
    public async Task Paging_returns_every_key_exactly_once()
    {
        var keys = Enumerable.Range(0, 11).Select(i => $"paged/{i:D2}").ToList();
        foreach (var key in keys)
        {
            await SaveAsync(key, Content(1, seed: key.GetHashCode(StringComparison.Ordinal)));
        }

        foreach (int pageSize in new[] { 5, 1, 11, 100 })
        {
            var listed = (await ListAsync(new ListOptions { Prefix = "paged/", PageSize = pageSize })).ConvertAll(e => e.Key);
            Assert.Equal(keys, listed);
        }
    }

    /// <summary>Catalogue 29: shallow paging returns each common prefix once even when a page ends inside a "folder".</summary>
    [Fact]
    public async Task Shallow_paging_returns_each_common_prefix_once()
    {
        await SaveTreeAsync();
        if (!Supports(StorageCapabilities.ShallowList))
        {
            return; // Checked by Shallow_listing_returns_direct_items_and_each_common_prefix_once.
        }

        foreach (int pageSize in new[] { 1, 2, 3 })
        {
            var listed = (await ListAsync(new ListOptions { Prefix = "a/", Recursive = false, PageSize = pageSize })).ConvertAll(e => e.Key);
            Assert.Equal(["a/1.txt", "a/2.txt", "a/b/", "a/bc/", "a/d/"], listed);
        }
    }

    /// <summary>Bad input: a page size of zero or less is refused with InvalidArgument.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Non_positive_page_size_is_refused_with_InvalidArgument(int pageSize) =>
        await AssertFailsAsync(StorageErrorCode.InvalidArgument, () => ListAsync(new ListOptions { PageSize = pageSize }));

    /// <summary>Catalogue 30: StartAfter is exclusive and resumes with only the remaining keys, in order.</summary>
    [Fact]
    public async Task StartAfter_resumes_with_only_the_remaining_keys_in_order()
    {
        await SaveTreeAsync();

        Assert.Equal(["a/b/c/4.txt", "a/bc/5.txt", "a/d/6.txt"], (await ListAsync(new ListOptions { Prefix = "a/", StartAfter = "a/b/3.txt" })).ConvertAll(e => e.Key));
        Assert.Equal(["a/bc/5.txt", "a/d/6.txt"], (await ListAsync(new ListOptions { Prefix = "a/", StartAfter = "a/b/zzz" })).ConvertAll(e => e.Key));
        Assert.Equal(Tree.Order(StringComparer.Ordinal), (await ListAsync(new ListOptions { StartAfter = "" })).ConvertAll(e => e.Key));
        Assert.Empty(await ListAsync(new ListOptions { StartAfter = "z.txt" }));
        Assert.Equal(["a.txt", "a/1.txt"], (await ListAsync(new ListOptions { StartAfter = "a-sibling/7.txt", PageSize = 2 })).ConvertAll(e => e.Key).Take(2));
    }

    /// <summary>Catalogue 30: StartAfter in a shallow listing skips common prefixes that sort at or before it.</summary>
    [Fact]
    public async Task StartAfter_in_a_shallow_listing_skips_earlier_common_prefixes()
    {
        await SaveTreeAsync();
        if (!Supports(StorageCapabilities.ShallowList))
        {
            return; // Checked by Shallow_listing_returns_direct_items_and_each_common_prefix_once.
        }

        Assert.Equal(["a/bc/", "a/d/"], (await ListAsync(new ListOptions { Prefix = "a/", Recursive = false, StartAfter = "a/b/" })).ConvertAll(e => e.Key));
        Assert.Equal(["a/", "z.txt"], (await ListAsync(new ListOptions { Recursive = false, StartAfter = "a.txt" })).ConvertAll(e => e.Key));
    }

    /// <summary>Catalogue 31: prefixes are plain string prefixes — <c>flows/</c> never returns <c>flows-archive/x</c>; <c>a/b</c> does return <c>a/bc/x</c>.</summary>
    [Fact]
    public async Task Prefixes_are_plain_string_prefixes()
    {
        foreach (var key in new[] { "flows/x", "flows-archive/x", "flows.json", "flowsheet" })
        {
            await SaveAsync(key, Content(2));
        }

        Assert.Equal(["flows/x"], await ListKeysAsync("flows/"));
        Assert.Equal(["flows-archive/x", "flows.json", "flows/x", "flowsheet"], await ListKeysAsync("flows"));
        Assert.Equal(["flows-archive/x"], await ListKeysAsync("flows-"));
        Assert.Equal(["flows/x"], await ListKeysAsync("flows/x"));
    }

    /// <summary>Catalogue 31: keys are ordered by ordinal UTF-16 comparison (<see cref="string.CompareOrdinal(string, string)"/>), not by culture or UTF-8 bytes.</summary>
    [Fact]
    public async Task Listing_is_in_ordinal_UTF16_order()
    {
        // U+FF21 sorts after an emoji's surrogates (D83D…) in UTF-16 but before it in UTF-8/code points.
        var keys = new[] { "b", "B", "a", "é", "Z", "_", "1", "\uFF21", "😀", "a/b", "a-b", "a.b" };
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

        foreach (var entry in await ListAsync(new ListOptions { Prefix = "meta/" }))
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

        await foreach (var entry in Engine.ListAsync(new ListOptions { PageSize = 2 }))
        {
            Assert.Equal("a-sibling/7.txt", entry.Key);
            break;
        }

        Assert.Equal(Tree.Length, (await ListKeysAsync()).Count);
    }

    private async Task SaveTreeAsync()
    {
        foreach (var key in Tree)
        {
            await SaveAsync(key, Content(3));
        }
    }
}
