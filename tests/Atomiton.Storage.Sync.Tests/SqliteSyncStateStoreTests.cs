using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Tests;

public sealed class SqliteSyncStateStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "atomiton-sync-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static SyncVersion Version(string etag) => new(etag, 3, "ab", "text/plain", "", DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Commits_survive_reopening_and_reads_stream_in_ordinal_order_across_pages()
    {
        string path = Path.Combine(_folder, "pair.db");
        string[] keys = [.. Enumerable.Range(0, 2500).Select(i => $"k{i:0000}"), "\uFF21", "\U0001F600", "Z", "a"];
        await using (var store = await SqliteSyncStateStore.OpenAsync(path))
        {
            await store.CommitAsync(new SyncStateCommit
            {
                Keys = [.. keys.Select(key => new SyncKeyState(key, Version("a1"), Version("b1"), new SyncBase("a1", "b1", 3, "ab", "text/plain", "")))],
                Pair = new SyncPairState { IdentityA = "a", IdentityB = "b", CursorA = "c1" },
                Log = [new SyncLogEntry(DateTimeOffset.UnixEpoch, SyncLogKind.Conflict, "k0001", "both changed", "k0001.conflict", SyncSide.A)],
            });
            await store.CommitAsync(new SyncStateCommit { Keys = [new SyncKeyState("k0002", Version("a2"), Version("b1"), new SyncBase("a1", "b1", 3, "ab", "text/plain", ""))] });
        }

        await using var reopened = await SqliteSyncStateStore.OpenAsync(path);
        var all = new List<string>();
        await foreach (var state in reopened.ReadAllAsync())
        {
            all.Add(state.Key);
        }

        Assert.Equal(keys.Order(StringComparer.Ordinal), all);
        var unsettled = new List<SyncKeyState>();
        await foreach (var state in reopened.ReadUnsettledAsync())
        {
            unsettled.Add(state);
        }

        Assert.Equal("k0002", Assert.Single(unsettled).Key);
        Assert.Equal(Version("a2"), unsettled[0].A);
        Assert.Equal(new SyncStateCounts(keys.Length, keys.Length, keys.Length, 1), await reopened.CountAsync());
        Assert.Equal("c1", (await reopened.GetPairAsync())!.CursorA);
        var log = new List<SyncLogEntry>();
        await foreach (var entry in reopened.ReadLogAsync())
        {
            log.Add(entry);
        }

        Assert.Equal(SyncSide.A, Assert.Single(log).Side);
        var prefixed = new List<string>();
        await foreach (var state in reopened.ReadAllAsync("k24"))
        {
            prefixed.Add(state.Key);
        }

        Assert.Equal(100, prefixed.Count);
        await reopened.CommitAsync(new SyncStateCommit { Keys = [new SyncKeyState("a", null, null, null)] });
        Assert.Null(await reopened.GetAsync("a"));
    }

    [Fact]
    public async Task A_pair_synced_through_sqlite_reruns_with_zero_writes()
    {
        await using var world = new SyncWorld();
        world.Store = await SqliteSyncStateStore.OpenAsync(Path.Combine(_folder, "world.db"));
        for (int i = 0; i < 30; i++)
        {
            await world.WriteAsync(i % 2 == 0 ? SyncSide.A : SyncSide.B, $"doc/{i}", $"v{i}");
        }

        Assert.Equal(SyncStatus.Completed, (await world.Pair().RunAsync()).Status);
        world.A.ResetCounters();
        world.B.ResetCounters();
        Assert.True((await world.Pair().RunAsync()).Plan.IsEmpty);
        Assert.Equal(0, world.A.Mutations + world.B.Mutations);
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_a_clear_configuration_error()
    {
        Directory.CreateDirectory(_folder);
        string path = Path.Combine(_folder, "not.db");
        await File.WriteAllTextAsync(path, "this is not sqlite, just some text long enough to have a header............................................");
        var error = await Assert.ThrowsAsync<StorageException>(async () => await SqliteSyncStateStore.OpenAsync(path));
        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("--state", error.Message, StringComparison.Ordinal);
    }
}
