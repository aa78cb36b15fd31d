using System.Text;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Plugins.Browser.IndexedDb;
using Atomiton.Storage.Plugins.Browser.Sync;
using Atomiton.Storage.Sync;
using Atomiton.Storage.Sync.Planning;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// The browser as a side of a sync pair, with the pair's state in the page's IndexedDB (IndexedDbSyncStateStore):
/// the store's own rules (order, pages, counts, atomic commits, durability across instances, reset, the run lock
/// across tabs), and runs between an indexeddb engine and a memory engine — including the origin's data being
/// evicted between runs, which must not propagate as deletions (docs/sync.md, "Browser").
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class BrowserSyncTests(BrowserFixture browser)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    [SkippableFact]
    public async Task The_state_store_keeps_key_order_pages_counts_log_and_pair_and_a_new_instance_sees_them()
    {
        var page = await PageAsync();
        string name = "sync-state-" + Guid.NewGuid().ToString("N");
        var version = new SyncVersion("e1", 3, null, "text/plain", "", T0);
        var synced = SyncBase.Of(version, version with { ETag = "f1" });
        var keys = Enumerable.Range(0, 1_200).Select(i => $"notes/{i:D4}").Append("other/x").Append("notes/é").Append("notes/Z").ToList();
        await using (var store = await IndexedDbSyncStateStore.OpenAsync(page.Runtime, name))
        {
            Assert.Null(await store.GetPairAsync());
            await store.CommitAsync(new SyncStateCommit
            {
                Keys = [.. keys.Select((key, i) => i % 3 == 0
                    ? new SyncKeyState(key, version, version with { ETag = "f1" }, synced)  // settled
                    : new SyncKeyState(key, version, null, null))],                          // only on A: work left
                Pair = new SyncPairState { IdentityA = "page|indexeddb", IdentityB = "hub|memory", CursorA = "idb1.x.1.", LastRun = T0 },
                Log = [new SyncLogEntry(T0, SyncLogKind.Conflict, "notes/0001", "first"), new SyncLogEntry(T0.AddSeconds(1), SyncLogKind.Trashed, "notes/0002", "second", ".trash/x", SyncSide.B)],
            });

            // The last state given for a key in one commit wins; an empty state removes the key.
            await store.CommitAsync(new SyncStateCommit { Keys = [new SyncKeyState("gone", version, null, null), new SyncKeyState("gone", null, null, null)] });
        }

        await using var reopened = await IndexedDbSyncStateStore.OpenAsync(page.Runtime, name);
        var all = new List<string>();
        await foreach (var state in reopened.ReadAllAsync("notes/"))
        {
            all.Add(state.Key);
        }

        var expected = keys.Where(k => k.StartsWith("notes/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, all); // 1,202 keys: three pages at least, ordinal order (Z before digits' successors, é last)
        var unsettled = new List<string>();
        await foreach (var state in reopened.ReadUnsettledAsync())
        {
            Assert.False(state.IsSettled);
            unsettled.Add(state.Key);
        }

        Assert.Equal(keys.Where((_, i) => i % 3 != 0).Order(StringComparer.Ordinal), unsettled);
        var counts = await reopened.CountAsync();
        Assert.Equal(new SyncStateCounts(keys.Count(k => keys.IndexOf(k) % 3 == 0), keys.Count, keys.Count(k => keys.IndexOf(k) % 3 == 0), unsettled.Count), counts);
        Assert.Equal(new SyncKeyState("notes/0003", version, version with { ETag = "f1" }, synced), await reopened.GetAsync("notes/0003"));
        Assert.Null(await reopened.GetAsync("gone"));
        var pair = await reopened.GetPairAsync();
        Assert.Equal("idb1.x.1.", pair!.CursorA);
        Assert.Equal(T0, pair.LastRun);
        var log = new List<SyncLogEntry>();
        await foreach (var line in reopened.ReadLogAsync())
        {
            log.Add(line);
        }

        Assert.Equal(["first", "second"], log.Select(l => l.Message));
        Assert.Equal(SyncSide.B, log[1].Side);

        await reopened.ResetAsync();
        Assert.Null(await reopened.GetPairAsync());
        Assert.Equal(new SyncStateCounts(0, 0, 0, 0), await reopened.CountAsync());
        var kept = new List<SyncLogEntry>();
        await foreach (var line in reopened.ReadLogAsync())
        {
            kept.Add(line);
        }

        Assert.Equal(2, kept.Count); // the log stays
    }

    [SkippableFact]
    public async Task Of_eight_runs_in_two_tabs_asking_for_the_run_lock_at_once_exactly_one_gets_it()
    {
        var first = await PageAsync();
        var second = await browser.OpenAsync(); // another tab of the same origin
        try
        {
            string name = "sync-lock-" + Guid.NewGuid().ToString("N");
            await using var left = await IndexedDbSyncStateStore.OpenAsync(first.Runtime, name);
            await using var right = await IndexedDbSyncStateStore.OpenAsync(second.Runtime, name);
            var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
                (i % 2 == 0 ? left : right).TryAcquireRunLockAsync(Lock("run-" + i, T0, T0.AddMinutes(2)), T0).AsTask()));
            var winner = Assert.Single(attempts, a => a.Acquired);
            Assert.All(attempts.Where(a => !a.Acquired), a => Assert.Equal(winner.Holder.Owner, a.Holder.Owner));
            Assert.Equal(winner.Holder, await right.GetRunLockAsync());

            // The holder again: still its, since kept. Another before the lease ends: refused. After: taken over.
            var again = await left.TryAcquireRunLockAsync(Lock(winner.Holder.Owner, T0.AddSeconds(30), T0.AddMinutes(3)), T0.AddSeconds(30));
            Assert.True(again.Acquired);
            Assert.Equal(T0, again.Holder.Since);
            Assert.False((await right.TryAcquireRunLockAsync(Lock("late", T0.AddMinutes(1), T0.AddMinutes(4)), T0.AddMinutes(1))).Acquired);
            Assert.False(await right.RenewRunLockAsync("late", T0.AddMinutes(10)));
            Assert.True(await left.RenewRunLockAsync(winner.Holder.Owner, T0.AddMinutes(5)));
            Assert.Equal(T0.AddMinutes(5), (await right.GetRunLockAsync())!.Expires);
            await right.ReleaseRunLockAsync("late"); // not the holder: nothing
            Assert.NotNull(await left.GetRunLockAsync());
            var takeover = await right.TryAcquireRunLockAsync(Lock("next", T0.AddMinutes(5), T0.AddMinutes(7)), T0.AddMinutes(5));
            Assert.True(takeover.Acquired);
            Assert.Equal(winner.Holder.Owner, takeover.TakenOver!.Owner);
            await right.ReleaseRunLockAsync("next");
            Assert.Null(await left.GetRunLockAsync());
        }
        finally
        {
            await second.Page.CloseAsync();
        }
    }

    [SkippableFact]
    public async Task A_page_syncs_with_a_hub_both_ways_and_an_evicted_origin_deletes_nothing_on_the_hub()
    {
        var page = await PageAsync();
        string data = "sync-data-" + Guid.NewGuid().ToString("N");
        string state = "sync-pair-" + Guid.NewGuid().ToString("N");
        await using var hub = new MemoryEngine();
        await hub.SaveAsync("notes/hub.txt", "from the hub"u8.ToArray());

        var browserEngine = new IndexedDbEngine(page.Runtime, new IndexedDbOptions { DatabaseName = data });
        try
        {
            await browserEngine.SaveAsync("notes/page.txt", "from the page"u8.ToArray());
            await using (var store = await IndexedDbSyncStateStore.OpenAsync(page.Runtime, state))
            {
                var first = await Pair(browserEngine, hub, store).RunAsync();
                Assert.Equal(SyncStatus.Completed, first.Status);
                Assert.Equal("from the hub", await Text(browserEngine, "notes/hub.txt"));
                Assert.Equal("from the page", await Text(hub, "notes/page.txt"));

                // An edit on each side and a delete on the page travel on the next run.
                await browserEngine.SaveAsync("notes/page.txt", "edited in the page"u8.ToArray());
                await hub.SaveAsync("notes/hub.txt", "edited on the hub"u8.ToArray());
                await browserEngine.SaveAsync("notes/temp.txt", "short-lived"u8.ToArray());
                Assert.Equal(SyncStatus.Completed, (await Pair(browserEngine, hub, store).RunAsync()).Status);
                await browserEngine.DeleteAsync("notes/temp.txt");
                var second = await Pair(browserEngine, hub, store).RunAsync();
                Assert.Equal(SyncStatus.Completed, second.Status);
                Assert.Equal("edited in the page", await Text(hub, "notes/page.txt"));
                Assert.Equal("edited on the hub", await Text(browserEngine, "notes/hub.txt"));
                Assert.False(await hub.ExistsAsync("notes/temp.txt"));
            }

            // The browser evicts the origin's data (here: the data database is deleted); the state survives.
            await browserEngine.DisposeAsync();
            Assert.True(await page.Page.EvaluateFunctionAsync<bool>(
                "name => new Promise(resolve => { const r = indexedDB.deleteDatabase(name); r.onsuccess = () => resolve(true); r.onerror = r.onblocked = () => resolve(false); })", data));
            browserEngine = new IndexedDbEngine(page.Runtime, new IndexedDbOptions { DatabaseName = data });
            await using (var store = await IndexedDbSyncStateStore.OpenAsync(page.Runtime, state))
            {
                var afterEviction = await Pair(browserEngine, hub, store).RunAsync();
                Assert.Equal(SyncMode.Merge, afterEviction.Plan.Mode);
                Assert.True(await hub.ExistsAsync("notes/page.txt"), "the eviction propagated as a deletion");
                Assert.True(await hub.ExistsAsync("notes/hub.txt"), "the eviction propagated as a deletion");
                Assert.Equal("edited in the page", await Text(browserEngine, "notes/page.txt"));
                Assert.Equal("edited on the hub", await Text(browserEngine, "notes/hub.txt"));
            }
        }
        finally
        {
            await browserEngine.DisposeAsync();
        }
    }

    private static SyncPair Pair(IStorageEngine page, IStorageEngine hub, ISyncStateStore store) =>
        new(new SyncEndpoint("page", page), new SyncEndpoint("hub", hub), store);

    private static async Task<string> Text(IStorageEngine engine, string key) => Encoding.UTF8.GetString(await engine.LoadBytesAsync(key));

    private static SyncRunLock Lock(string owner, DateTimeOffset since, DateTimeOffset expires) =>
        new() { Owner = owner, Host = "browser", ProcessId = 1, Since = since, Expires = expires };

    private async Task<ProbePage> PageAsync()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        return await browser.SharedPageAsync();
    }
}
