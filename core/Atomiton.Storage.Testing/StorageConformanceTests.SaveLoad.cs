namespace Atomiton.Storage.Testing;

// Catalogue 1–9: save, load, delete, exists, stat.
public abstract partial class StorageConformanceTests
{
    /// <summary>Catalogue 1: bytes loaded equal bytes saved; stat size equals length.</summary>
    [Fact]
    public async Task Saved_bytes_load_back_exactly_and_stat_reports_their_length()
    {
        var content = Content(1000);
        await SaveAsync("docs/readme.txt", content);

        await AssertContentAsync("docs/readme.txt", content);
        var item = await Engine.StatAsync("docs/readme.txt");
        Assert.Equal("docs/readme.txt", item.Key);
        Assert.Equal(1000, item.Size);
        Assert.False(string.IsNullOrEmpty(item.ETag), "every object has an ETag");
    }

    /// <summary>Catalogue 2: an empty object exists, loads empty and has size 0.</summary>
    [Fact]
    public async Task Empty_object_exists_loads_empty_and_has_size_zero()
    {
        await SaveAsync("empty", []);

        Assert.True(await Engine.ExistsAsync("empty"));
        Assert.Empty(await LoadAsync("empty"));
        Assert.Equal(0, (await Engine.StatAsync("empty")).Size);
    }

    /// <summary>Catalogue 3: an overwrite replaces the content completely and changes the ETag.</summary>
    [Fact]
    public async Task Overwrite_replaces_content_completely_and_changes_the_ETag()
    {
        var first = await SaveAsync("report", Content(500, seed: 1));
        var shorter = Content(20, seed: 2);
        var second = await SaveAsync("report", shorter);

        await AssertContentAsync("report", shorter);
        Assert.Equal(20, (await Engine.StatAsync("report")).Size);
        Assert.NotEqual(first.ETag, second.ETag);
    }

    /// <summary>
    /// Catalogue 3 and T-2: the ETag changes on every write, even one of identical bytes — unless the engine declares
    /// <see cref="StorageTraits.IdenticalWriteKeepsETag"/>, when writing identical bytes keeps it (and different bytes still change it).
    /// </summary>
    [Fact]
    public async Task Overwrite_with_identical_bytes_still_changes_the_ETag()
    {
        var content = Content(64);
        var first = await SaveAsync("same", content);
        var second = await SaveAsync("same", content);

        if (Has(StorageTraits.IdenticalWriteKeepsETag))
        {
            Assert.True(first.ETag == second.ETag, $"{Engine.EngineType} declares IdenticalWriteKeepsETag but writing identical bytes changed the ETag from {first.ETag} to {second.ETag}.");
            var third = await SaveAsync("same", Content(64, seed: 2));
            Assert.NotEqual(second.ETag, third.ETag);
            second = third;
        }
        else
        {
            Assert.NotEqual(first.ETag, second.ETag);
        }

        Assert.Equal(second.ETag, (await Engine.StatAsync("same")).ETag);
    }

    /// <summary>Catalogue 4: exists is false, then true after a save, then false after a delete.</summary>
    [Fact]
    public async Task Exists_is_false_then_true_after_save_then_false_after_delete()
    {
        Assert.False(await Engine.ExistsAsync("life/cycle"));
        await SaveAsync("life/cycle", Content(3));
        Assert.True(await Engine.ExistsAsync("life/cycle"));

        if (!Supports(StorageCapabilities.Delete))
        {
            await AssertUnsupportedAsync(async () => await Engine.DeleteAsync("life/cycle"), nameof(StorageCapabilities.Delete));
            await AssertContentAsync("life/cycle", Content(3));
            return;
        }

        Assert.True(await Engine.DeleteAsync("life/cycle"), "deleting an existing key returns true");
        await AssertAbsentAsync("life/cycle");
    }

    /// <summary>Catalogue 5: a load of a missing key, also under missing "folders", throws NotFound naming the key.</summary>
    [Theory]
    [InlineData("missing")]
    [InlineData("no/such/folder/missing.json")]
    public async Task Load_of_missing_key_throws_NotFound(string key)
    {
        await SaveAsync("present", Content(1));

        var error = await AssertFailsAsync(StorageErrorCode.NotFound, async () => await LoadAsync(key));
        Assert.Equal(key, error.Key);
        Assert.False(error.IsTransient, "NotFound is permanent");
    }

    /// <summary>Catalogue 6: a stat of a missing key throws NotFound.</summary>
    [Fact]
    public async Task Stat_of_missing_key_throws_NotFound()
    {
        var error = await AssertFailsAsync(StorageErrorCode.NotFound, async () => await Engine.StatAsync("nothing/here"));
        Assert.Equal("nothing/here", error.Key);
    }

    /// <summary>Catalogue 7: deleting a missing key succeeds (false) and touches nothing else.</summary>
    [Fact]
    public async Task Delete_of_missing_key_returns_false_and_touches_nothing_else()
    {
        if (!Supports(StorageCapabilities.Delete))
        {
            await AssertUnsupportedAsync(async () => await Engine.DeleteAsync("missing"), nameof(StorageCapabilities.Delete));
            return;
        }

        var content = Content(10);
        var before = await SaveAsync("dir/kept", content);

        Assert.False(await Engine.DeleteAsync("dir/missing"));
        Assert.False(await Engine.DeleteAsync("dir"), "a folder-like prefix is not an object");

        await AssertContentAsync("dir/kept", content);
        await AssertUnchangedAsync(before, content);
        await AssertListedAsync(["dir/kept"]);
    }

    /// <summary>Catalogue 8: the item returned by a save equals a following stat.</summary>
    [Fact]
    public async Task Save_result_equals_a_following_stat()
    {
        var options = new SaveOptions
        {
            ContentType = Supports(StorageCapabilities.ContentType) ? "application/json" : null,
            Metadata = Supports(StorageCapabilities.UserMetadata) ? new Dictionary<string, string> { ["author"] = "ada" } : null,
        };
        var saved = await SaveAsync("flows/main.json", Content(42), options);

        Assert.Equal(saved, await Engine.StatAsync("flows/main.json"));
        Assert.Equal("flows/main.json", saved.Key);
        Assert.Equal(42, saved.Size);
    }

    /// <summary>
    /// Catalogue 9 and K-4: a key may also be the "folder" of other keys — <c>a</c> and <c>a/b</c> are independent objects.
    /// On engines whose key rules say an object and a folder cannot share a name, saving one while the other exists is
    /// refused with UnrepresentableKey and changes nothing.
    /// </summary>
    [Fact]
    public async Task A_key_and_keys_under_it_are_independent_objects()
    {
        var a = await SaveAsync("a", Content(1, seed: 1));
        if (!Engine.KeyRules.ObjectAndFolderMayShareName)
        {
            await AssertFailsAsync(StorageErrorCode.UnrepresentableKey, async () => await SaveAsync("a/b", Content(2, seed: 2)), "an object under the object 'a'");
            await AssertAbsentAsync("a/b");
            await AssertUnchangedAsync(a, Content(1, seed: 1));
            var below = await SaveAsync("c/d", Content(4, seed: 4));
            await AssertFailsAsync(StorageErrorCode.UnrepresentableKey, async () => await SaveAsync("c", Content(5, seed: 5)), "an object named like the folder 'c/'");
            await AssertUnchangedAsync(below, Content(4, seed: 4));
            await AssertListedAsync(["a", "c/d"]);
            return;
        }

        await SaveAsync("a/b", Content(2, seed: 2));
        await SaveAsync("a/b/c", Content(3, seed: 3));

        await AssertContentAsync("a", Content(1, seed: 1));
        await AssertContentAsync("a/b", Content(2, seed: 2));
        await AssertListedAsync(["a", "a/b", "a/b/c"]);
        if (Supports(StorageCapabilities.Delete))
        {
            Assert.True(await Engine.DeleteAsync("a/b"));
            await AssertContentAsync("a", Content(1, seed: 1));
            await AssertContentAsync("a/b/c", Content(3, seed: 3));
        }
    }

    /// <summary>Catalogue 9: deleting a prefix recursively removes that subtree only, never a sibling such as <c>dir-other/</c>.</summary>
    [SkippableFact]
    public async Task Deleting_a_prefix_removes_that_subtree_only()
    {
        SkipUnless(StorageCapabilities.Delete, "there is nothing to delete with (the refusal is checked by Exists_is_false_then_true_after_save_then_false_after_delete)");

        foreach (var key in new[] { "dir/a", "dir/sub/b", "dir/sub/deep/c", "dir-other/d", "dir.txt", "dirt" })
        {
            await SaveAsync(key, Content(5));
        }

        Assert.Equal(3, await Engine.DeletePrefixAsync("dir/"));
        await AssertListedAsync(["dir-other/d", "dir.txt", "dirt"]);
    }
}
