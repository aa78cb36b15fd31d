namespace Atomiton.Storage.Testing;

// Catalogue KO-1–KO-4: keys-only listings (ListOptions.KeysOnly). The option is a hint — an engine
// may leave out items or return them anyway — but what is listed never changes: the same keys and
// common prefixes (in the same order on ordered engines), honouring prefix, shallow, start-after and page size.
public abstract partial class StorageConformanceTests
{
    /// <summary>Catalogue KO-1: keys-only lists exactly the keys and common prefixes of a full listing (in its order where ordered), for plain, folder, mid-segment and missing prefixes.</summary>
    [Theory]
    [InlineData("")]
    [InlineData("a/")]
    [InlineData("a/b")]
    [InlineData("a")]
    [InlineData("a/b/c/4.txt")]
    [InlineData("missing/")]
    public async Task Keys_only_listing_lists_what_a_full_listing_lists(string prefix)
    {
        await SaveTreeAsync();

        foreach (bool recursive in ListingModes())
        {
            var full = await ListAsync(new ListOptions { Prefix = prefix, Recursive = recursive });
            var keysOnly = await ListAsync(new ListOptions { Prefix = prefix, Recursive = recursive, KeysOnly = true });

            AssertSameListing(full, keysOnly, $"prefix '{prefix}', {(recursive ? "recursive" : "shallow")}");
        }
    }

    /// <summary>Catalogue KO-2: keys-only start-after (on ordered engines) and page size select and page exactly as in a full listing.</summary>
    [Fact]
    public async Task Keys_only_listing_honours_start_after_and_page_size()
    {
        await SaveTreeAsync();
        string?[] starts = Ordered ? [null, "", "a/b/3.txt", "a/b/zzz", "a-sibling/7.txt", "a/", "a/b/", "z.txt"] : [null];
        bool recursive = Supports(StorageCapabilities.RecursiveList);

        foreach (var startAfter in starts)
        {
            foreach (int? pageSize in new int?[] { null, 1, 2, 5 })
            {
                var options = new ListOptions { StartAfter = startAfter, PageSize = pageSize, Recursive = recursive };
                AssertSameListing(await ListAsync(options), await ListAsync(options with { KeysOnly = true }), $"start after '{startAfter}', page size {pageSize}");
                if (Supports(StorageCapabilities.ShallowList))
                {
                    var shallow = options with { Prefix = "a/", Recursive = false };
                    AssertSameListing(await ListAsync(shallow), await ListAsync(shallow with { KeysOnly = true }), $"shallow 'a/', start after '{startAfter}', page size {pageSize}");
                }
            }
        }
    }

    /// <summary>
    /// Catalogue KO-3: keys that need escaping, case and Unicode variants list back exactly (in ordinal UTF-16 order
    /// where ordered). Case-insensitive engines get one spelling of <c>b</c>/<c>B</c>; keys the engine's rules cannot store are left out.
    /// </summary>
    [Fact]
    public async Task Keys_only_listing_returns_special_keys_exactly_in_ordinal_order()
    {
        var keys = OrderingKeys(["b", "B", "a", "é", "e\u0301", "Z", "_", "1", "\uFF21", "😀", "a/b", "a-b", "a.b", "100%", "con", "x y", "~tilde", "q?/x*", "trailing."]);
        foreach (var key in keys)
        {
            await SaveAsync(key, Content(1));
        }

        var listed = await ListAsync(new ListOptions { KeysOnly = true });

        AssertListed(keys, listed.ConvertAll(e => e.Key), "keys-only special keys");
        AssertSameListing(await ListAsync(), listed, "special keys");
    }

    /// <summary>Catalogue KO-4: keys-only: a save shows up and a delete disappears like in a full listing (no stale names).</summary>
    [Fact]
    public async Task Keys_only_listing_sees_saves_and_deletes()
    {
        await SaveAsync("seen/one", Content(4));
        await SaveAsync("seen/deep/two", Content(4));

        Assert.True(await EventuallyAsync(async () => (await KeysOnlyAsync("seen/")).Order(StringComparer.Ordinal).SequenceEqual(["seen/deep/two", "seen/one"])), "a keys-only listing must see saves within the consistency bound");

        if (Supports(StorageCapabilities.Delete))
        {
            await Engine.DeleteAsync("seen/deep/two");
            Assert.True(await EventuallyAsync(async () => (await KeysOnlyAsync("seen/")).SequenceEqual(["seen/one"])), "a keys-only listing must drop a deleted key within the consistency bound");
        }
    }

    private async Task<List<string>> KeysOnlyAsync(string prefix) =>
        (await ListAsync(new ListOptions { Prefix = prefix, KeysOnly = true })).ConvertAll(e => e.Key);

    /// <summary>Recursive and shallow, as far as the engine declares them.</summary>
    private bool[] ListingModes() =>
        [.. new[] { true, false }.Where(recursive => Supports(recursive ? StorageCapabilities.RecursiveList : StorageCapabilities.ShallowList))];

    // Same keys, same kinds, same order (by key on unordered engines); each object's item left out or equal to the full listing's.
    private void AssertSameListing(List<StorageEntry> full, List<StorageEntry> keysOnly, string what)
    {
        if (!Ordered)
        {
            full = [.. full.OrderBy(e => e.Key, StringComparer.Ordinal)];
            keysOnly = [.. keysOnly.OrderBy(e => e.Key, StringComparer.Ordinal)];
        }

        Assert.True(full.ConvertAll(e => e.Key).SequenceEqual(keysOnly.ConvertAll(e => e.Key)),
            $"{what}: keys-only listed [{string.Join(", ", keysOnly.ConvertAll(e => e.Key))}] but a full listing [{string.Join(", ", full.ConvertAll(e => e.Key))}].");
        for (int i = 0; i < full.Count; i++)
        {
            var entry = keysOnly[i];
            Assert.Equal(full[i].IsPrefix, entry.IsPrefix);
            Assert.Equal(!entry.IsPrefix, entry.IsObject);
            if (entry.IsPrefix)
            {
                Assert.True(entry.Item is null, $"{what}: the common prefix '{entry.Key}' has an item.");
            }
            else
            {
                Assert.False(entry.Key.EndsWith('/'), $"{what}: the object key '{entry.Key}' ends with '/'.");
                Assert.True(entry.Item is null || entry.Item.Equals(full[i].Item), $"{what}: the item of '{entry.Key}' differs from the full listing's (an engine may leave it out, never change it).");
            }
        }
    }
}
