namespace Atomiton.Storage.Testing;

// Catalogue B-1–B-3: batch delete (IStorageEngine.DeleteManyAsync).
public abstract partial class StorageConformanceTests
{
    /// <summary>
    /// Catalogue B-1: DeleteMany of existing and missing keys returns one result per key, in the order given — deleted
    /// for the existing ones, not deleted (and no error) for the missing ones — and deletes exactly those keys. An
    /// empty batch returns no results. Without Delete it is refused with UnsupportedOperation and nothing changes.
    /// </summary>
    [Fact]
    public async Task Delete_many_reports_each_key_in_order_and_deletes_exactly_those()
    {
        var kept = await SaveAsync("batch/kept", Content(3, seed: 9));
        foreach (var key in new[] { "batch/a", "batch/b", "batch/c" })
        {
            await SaveAsync(key, Content(3));
        }

        string[] keys = ["batch/c", "batch/missing", "batch/a", "elsewhere/missing", "batch/b"];
        if (!Supports(StorageCapabilities.Delete))
        {
            await AssertUnsupportedAsync(async () => await Engine.DeleteManyAsync(keys), nameof(StorageCapabilities.Delete));
            await AssertListedAsync(["batch/a", "batch/b", "batch/c", "batch/kept"]);
            await AssertUnchangedAsync(kept, Content(3, seed: 9));
            return;
        }

        var results = await Engine.DeleteManyAsync(keys);

        Assert.Equal(keys, results.Select(r => r.Key));
        Assert.Equal([true, false, true, false, true], results.Select(r => r.Deleted));
        Assert.All(results, r => Assert.True(r.Error is null, $"'{r.Key}' failed: {r.Error?.Message}"));
        await AssertListedAsync(["batch/kept"]);
        await AssertUnchangedAsync(kept, Content(3, seed: 9));
        Assert.Empty(await Engine.DeleteManyAsync([]));
    }

    /// <summary>Catalogue B-2: a batch with an invalid key is refused with InvalidKey before anything is deleted.</summary>
    [SkippableFact]
    public async Task Delete_many_with_an_invalid_key_deletes_nothing()
    {
        SkipUnless(StorageCapabilities.Delete, "there is nothing to delete with (the refusal of DeleteMany is checked by Delete_many_reports_each_key_in_order_and_deletes_exactly_those)");
        var first = await SaveAsync("first", Content(2, seed: 1));
        var last = await SaveAsync("last", Content(2, seed: 2));

        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.DeleteManyAsync(["first", "a//b", "last"]));

        await AssertUnchangedAsync(first, Content(2, seed: 1));
        await AssertUnchangedAsync(last, Content(2, seed: 2));
        await AssertListedAsync(["first", "last"]);
    }

    /// <summary>
    /// Catalogue B-3: a batch larger than the declared <see cref="StorageLimits.MaxDeleteBatch"/> (twice it, plus one) is
    /// split by the engine: every key is deleted and reported, in order. Skipped when no batch size is declared or it is
    /// over 1,000 (too many objects to save cheaply).
    /// </summary>
    [SkippableFact]
    public async Task Delete_many_larger_than_the_declared_batch_deletes_every_key()
    {
        SkipUnless(StorageCapabilities.Delete, "there is nothing to delete with (the refusal of DeleteMany is checked by Delete_many_reports_each_key_in_order_and_deletes_exactly_those)");
        var limit = (await Engine.GetInfoAsync()).Limits.MaxDeleteBatch;
        Skip.IfNot(limit is <= 1000, $"{Engine.EngineType} declares {(limit is null ? "no MaxDeleteBatch" : $"MaxDeleteBatch {limit}")}: there is no batch size of 1,000 or fewer to exceed cheaply.");

        var keys = Enumerable.Range(0, (2 * limit!.Value) + 1).Select(i => $"many-deletes/{i:D4}").ToList();
        foreach (var key in keys)
        {
            await SaveAsync(key, Content(1));
        }

        var kept = await SaveAsync("many-deletes-kept", Content(1));
        var results = await Engine.DeleteManyAsync(keys);

        Assert.Equal(keys, results.Select(r => r.Key));
        Assert.All(results, r => Assert.True(r.Deleted && r.Error is null, $"'{r.Key}' was not deleted: {r.Error?.Message}"));
        Assert.Empty(await ListKeysAsync("many-deletes/"));
        await AssertUnchangedAsync(kept, Content(1));
    }
}
