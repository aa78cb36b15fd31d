namespace Atomiton.Storage.Testing;

// Catalogue 39–43: conditional writes, conditional loads and concurrency.
public abstract partial class StorageConformanceTests
{
    /// <summary>Catalogue 39: a create-only save succeeds when the key is absent and fails with Conflict when present, content unchanged.</summary>
    [Fact]
    public async Task Create_only_save_succeeds_when_absent_and_conflicts_when_present()
    {
        var createOnly = new SaveOptions { Condition = WriteCondition.IfNotExists };
        if (!Supports(StorageCapabilities.CreateOnly))
        {
            await AssertUnsupportedAsync(async () => await SaveAsync("once", Content(1), createOnly), nameof(StorageCapabilities.CreateOnly));
            await AssertAbsentAsync("once");
            return;
        }

        var original = Content(10, seed: 1);
        var created = await SaveAsync("once", original, createOnly);
        Assert.Equal(["once"], await ListKeysAsync());

        var error = await AssertFailsAsync(StorageErrorCode.Conflict, async () => await SaveAsync("once", Content(10, seed: 2), createOnly));
        Assert.Equal("once", error.Key);
        Assert.False(error.IsTransient, "a failed precondition is permanent");
        await AssertFailsAsync(StorageErrorCode.Conflict, async () => await Engine.SaveAsync("once", new SourceStream(ChunkSize + 1), createOnly));

        await AssertUnchangedAsync(created, original);
        Assert.Equal(["once"], await ListKeysAsync());
    }

    /// <summary>Catalogue 40: a write with the current ETag succeeds; a stale ETag fails with Conflict and changes nothing.</summary>
    [Fact]
    public async Task If_match_save_succeeds_with_current_ETag_and_conflicts_with_a_stale_one()
    {
        var first = await SaveAsync("versioned", Content(5, seed: 1));
        if (!Supports(StorageCapabilities.ConditionalWrite))
        {
            await AssertUnsupportedAsync(async () => await SaveAsync("versioned", Content(5), new SaveOptions { Condition = WriteCondition.IfMatch(first.ETag) }), nameof(StorageCapabilities.ConditionalWrite));
            await AssertUnchangedAsync(first, Content(5, seed: 1));
            return;
        }

        var second = await SaveAsync("versioned", Content(6, seed: 2), new SaveOptions { Condition = WriteCondition.IfMatch(first.ETag) });
        Assert.NotEqual(first.ETag, second.ETag);

        await AssertFailsAsync(StorageErrorCode.Conflict, async () => await SaveAsync("versioned", Content(7, seed: 3), new SaveOptions { Condition = WriteCondition.IfMatch(first.ETag) }));
        await AssertUnchangedAsync(second, Content(6, seed: 2));
    }

    /// <summary>Catalogue 40: an if-match save of a missing key fails with Conflict (UnsupportedOperation without ConditionalWrite) and creates nothing.</summary>
    [Fact]
    public async Task If_match_save_of_missing_key_conflicts_and_creates_nothing()
    {
        var options = new SaveOptions { Condition = WriteCondition.IfMatch("\"no-such-etag\"") };
        var code = Supports(StorageCapabilities.ConditionalWrite) ? StorageErrorCode.Conflict : StorageErrorCode.UnsupportedOperation;

        await AssertFailsAsync(code, async () => await SaveAsync("absent", Content(2), options));
        await AssertAbsentAsync("absent");
        Assert.Empty(await ListKeysAsync());
    }

    /// <summary>
    /// Catalogue 40 and R-2: an if-match delete removes the object with the current ETag; a stale ETag or a missing key
    /// is a Conflict that deletes nothing. Without ConditionalWrite (or Delete) it is refused with UnsupportedOperation
    /// and the object is still there, untouched.
    /// </summary>
    [Fact]
    public async Task If_match_delete_deletes_only_the_expected_version()
    {
        var first = await SaveAsync("guarded", Content(2, seed: 1));
        if (!Supports(StorageCapabilities.ConditionalWrite | StorageCapabilities.Delete))
        {
            await AssertUnsupportedAsync(async () => await Engine.DeleteAsync("guarded", new DeleteOptions { IfMatch = first.ETag }), $"{nameof(StorageCapabilities.ConditionalWrite)} and {nameof(StorageCapabilities.Delete)}");
            await AssertUnchangedAsync(first, Content(2, seed: 1));
            Assert.Equal(["guarded"], await ListKeysAsync());
            return;
        }

        var second = await SaveAsync("guarded", Content(2, seed: 2));
        await AssertFailsAsync(StorageErrorCode.Conflict, async () => await Engine.DeleteAsync("guarded", new DeleteOptions { IfMatch = first.ETag }));
        await AssertUnchangedAsync(second, Content(2, seed: 2));

        Assert.True(await Engine.DeleteAsync("guarded", new DeleteOptions { IfMatch = second.ETag }));
        await AssertAbsentAsync("guarded");

        await AssertFailsAsync(StorageErrorCode.Conflict, async () => await Engine.DeleteAsync("guarded", new DeleteOptions { IfMatch = second.ETag }), "if-match delete of a missing key");
    }

    /// <summary>Catalogue 41: a load with if-none-match of the current ETag is not modified; another ETag gives the content.</summary>
    [Fact]
    public async Task If_none_match_load_is_not_modified_for_the_current_ETag_only()
    {
        var content = Content(40);
        var saved = await SaveAsync("cached", content);
        if (!Supports(StorageCapabilities.ConditionalRead))
        {
            await AssertUnsupportedAsync(async () => await LoadAsync("cached", new ReadOptions { IfNoneMatch = saved.ETag }), nameof(StorageCapabilities.ConditionalRead));
            return;
        }

        await using (var current = await Engine.OpenReadAsync("cached", new ReadOptions { IfNoneMatch = saved.ETag }))
        {
            Assert.True(current.NotModified, "the caller's ETag is current");
            Assert.Equal(saved.ETag, current.Item.ETag);
            Assert.Empty(await current.ReadAllAsync());
        }

        await using (var other = await Engine.OpenReadAsync("cached", new ReadOptions { IfNoneMatch = "\"some-other-etag\"" }))
        {
            Assert.False(other.NotModified);
            Assert.Equal(content, await other.ReadAllAsync());
        }

        var updated = await SaveAsync("cached", Content(40, seed: 9));
        await using (var stale = await Engine.OpenReadAsync("cached", new ReadOptions { IfNoneMatch = saved.ETag }))
        {
            Assert.False(stale.NotModified, "an overwrite makes the old ETag stale");
            Assert.Equal(updated.ETag, stale.Item.ETag);
            Assert.Equal(Content(40, seed: 9), await stale.ReadAllAsync());
        }

        await AssertFailsAsync(StorageErrorCode.NotFound, async () => await LoadAsync("missing", new ReadOptions { IfNoneMatch = saved.ETag }));
    }

    /// <summary>Catalogue 42: 16 concurrent create-only saves of one key — exactly one succeeds, the others fail with Conflict.</summary>
    [SkippableFact]
    public async Task Concurrent_create_only_saves_of_one_key_let_exactly_one_succeed()
    {
        SkipUnless(StorageCapabilities.CreateOnly, "there is no create-only save to race (its refusal is checked by Create_only_save_succeeds_when_absent_and_conflicts_when_present)");
        SkipIf(StorageTraits.DuplicateNames, "two concurrent creators may each create an object of the same name, so exactly one winner cannot be required");

        const int writers = 16;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await SaveAsync("race", Content(8, seed: i), new SaveOptions { Condition = WriteCondition.IfNotExists });
                return (Won: true, Writer: i);
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
            {
                return (Won: false, Writer: i);
            }
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(attempts);

        var winners = results.Where(r => r.Won).ToList();
        Assert.Single(winners);
        await AssertContentAsync("race", Content(8, seed: winners[0].Writer));
    }

    /// <summary>Catalogue 43: 16 concurrent read-modify-write loops with if-match on one counter lose no update.</summary>
    [SkippableFact]
    public async Task Concurrent_if_match_increments_lose_no_update()
    {
        SkipUnless(StorageCapabilities.ConditionalWrite, "there is no if-match save to loop on (its refusal is checked by If_match_save_succeeds_with_current_ETag_and_conflicts_with_a_stale_one)");

        const int writers = 16;
        const int incrementsEach = 5;
        await SaveAsync("counter", BitConverter.GetBytes(0L));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loops = Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            int conflicts = 0;
            for (int done = 0; done < incrementsEach;)
            {
                await using var current = await Engine.OpenReadAsync("counter");
                long value = BitConverter.ToInt64(await current.ReadAllAsync());
                try
                {
                    await SaveAsync("counter", BitConverter.GetBytes(value + 1), new SaveOptions { Condition = WriteCondition.IfMatch(current.Item.ETag) });
                    done++;
                }
                catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
                {
                    conflicts++;
                    Assert.True(conflicts < 10_000, "a read-modify-write loop made no progress");
                }
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(loops);

        Assert.Equal(writers * incrementsEach, BitConverter.ToInt64(await LoadAsync("counter")));
    }
}
