using System.Collections.Concurrent;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>
/// One run at a time per pair (docs/sync.md, "One run at a time"): a second run over the same state —
/// another <see cref="SyncPair"/> on another SQLite connection to the same file, or on the same memory
/// store — is refused before it touches an engine, or waits for the first; a lease left behind by a
/// killed run is taken over once it runs out (on the fake clock), and a live run's renewals keep it.
/// The first run is held inside an engine call by a gate, never by sleeping.
/// </summary>
public sealed class RunLockTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "atomiton-sync-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        foreach (var store in _secondStores)
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("memory")]
    public async Task A_second_run_is_refused_while_the_first_runs_and_nothing_is_transferred_twice(string kind)
    {
        await using var world = new SyncWorld(new SyncOptions { MaxParallelTransfers = 1 });
        var (first, second) = await StoresAsync(world, kind);
        await SeedAsync(world, 12);
        var saves = CountSaves(world);
        using var gate = new FirstSaveGate(world.B);

        var running = Task.Run(() => world.Pair().RunAsync()); // the gate blocks its thread
        await gate.Holding.WaitAsync(HangGuard);
        int requestsA = world.A.Requests, requestsB = world.B.Requests;
        var other = new SyncPair(new SyncEndpoint("laptop", world.A), new SyncEndpoint("cloud", world.B), second, world.Options);

        var refused = await Assert.ThrowsAsync<StorageException>(() => other.RunAsync());
        Assert.Equal(StorageErrorCode.Conflict, refused.Code);
        Assert.Equal(SyncPair.RunLockOperation, refused.Operation);
        Assert.True(refused.IsTransient);
        Assert.Contains("'laptop' <-> 'cloud'", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"pid {Environment.ProcessId}", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"host '{Environment.MachineName}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("running since 2026-11-24", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--wait", refused.Message, StringComparison.Ordinal);
        Assert.Contains("RunLockWait", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageException>(() => other.RebaselineAsync());
        await Assert.ThrowsAsync<StorageException>(() => other.ReconcileKeysAsync(["k00"]));

        // The refused runs did not even read an engine.
        Assert.Equal((requestsA, requestsB), (world.A.Requests, world.B.Requests));

        // A dry run needs no lock: it plans, and names the run in progress.
        var plan = await other.PlanAsync();
        Assert.NotNull(plan.RunInProgress);
        Assert.Equal(Environment.ProcessId, plan.RunInProgress.ProcessId);
        Assert.Equal(0, world.B.Mutations);
        gate.Release();
        var result = await running.WaitAsync(HangGuard);
        Assert.Equal(SyncStatus.Completed, result.Status);
        Assert.Null(result.Plan.RunInProgress);
        Assert.Equal(12, world.B.Mutations);
        Assert.All(saves, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(12, saves.Count);
        Assert.Null(await first.GetRunLockAsync());
        Assert.Null(await second.GetRunLockAsync());

        // Now free: the other instance runs, and has nothing left to do.
        var after = await other.RunAsync();
        Assert.Equal(SyncStatus.Completed, after.Status);
        Assert.True(after.Plan.IsEmpty);
        Assert.Equal(12, world.B.Mutations);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("memory")]
    public async Task Of_many_callers_acquiring_at_once_exactly_one_gets_the_lock(string kind)
    {
        var now = new DateTimeOffset(2026, 11, 24, 15, 30, 0, TimeSpan.Zero);
        var memory = new MemorySyncStateStore();
        var stores = new List<ISyncStateStore>();
        for (int i = 0; i < 8; i++)
        {
            stores.Add(kind == "sqlite" ? await SqliteSyncStateStore.OpenAsync(Path.Combine(_folder, "pair.db")) : memory);
        }

        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racing = stores.Select((store, i) => Task.Run(async () =>
            {
                await start.Task;
                return await store.TryAcquireRunLockAsync(Lock($"run{i}", now), now);
            })).ToList();
            start.SetResult();
            var attempts = await Task.WhenAll(racing).WaitAsync(HangGuard);

            var winner = Assert.Single(attempts, attempt => attempt.Acquired);
            Assert.All(attempts.Where(attempt => !attempt.Acquired), attempt => Assert.Equal(winner.Holder.Owner, attempt.Holder.Owner));

            // Only the owner renews or releases; a lease that ran out is taken over and reported.
            Assert.False(await stores[0].RenewRunLockAsync("someone-else", now.AddMinutes(5)));
            await stores[1].ReleaseRunLockAsync("someone-else");
            Assert.Equal(winner.Holder.Owner, (await stores[2].GetRunLockAsync())?.Owner);
            Assert.True(await stores[3].RenewRunLockAsync(winner.Holder.Owner, now.AddMinutes(3)));
            Assert.False((await stores[4].TryAcquireRunLockAsync(Lock("late", now.AddMinutes(2)), now.AddMinutes(2))).Acquired);
            var takeover = await stores[5].TryAcquireRunLockAsync(Lock("late", now.AddMinutes(3)), now.AddMinutes(3));
            Assert.True(takeover.Acquired);
            Assert.Equal(winner.Holder.Owner, takeover.TakenOver?.Owner);
            Assert.False(await stores[6].RenewRunLockAsync(winner.Holder.Owner, now.AddMinutes(9)));
            await stores[7].ReleaseRunLockAsync("late");
            Assert.Null(await stores[0].GetRunLockAsync());
        }
        finally
        {
            foreach (var store in stores.Distinct())
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_run_killed_holding_the_lock_blocks_the_pair_until_its_lease_runs_out_then_the_next_run_takes_over_and_converges()
    {
        await using var world = new SyncWorld(new SyncOptions { MaxParallelTransfers = 1 });
        world.Store.Inner = await SqliteSyncStateStore.OpenAsync(Path.Combine(_folder, "pair.db"));
        world.Store.KeepsLockOnCrash = true;
        await SeedAsync(world, 12);
        await world.WriteAsync(SyncSide.B, "from-b", "b");
        int mutations = 0;
        world.B.AfterMutation = (operation, key) =>
        {
            if (++mutations == 5)
            {
                throw world.Crash($"killed after mutation 5 ({operation} {key})");
            }
        };

        await Assert.ThrowsAsync<SimulatedCrash>(() => world.Pair().RunAsync());
        world.Restart();
        world.B.AfterMutation = null;
        var dead = await world.Store.GetRunLockAsync();
        Assert.NotNull(dead);

        // The lease has not run out: the pair stays locked, and a restart is refused.
        var refused = await Assert.ThrowsAsync<StorageException>(() => world.Pair().RunAsync());
        Assert.Equal(SyncPair.RunLockOperation, refused.Operation);
        Assert.Equal(5, world.B.Mutations);

        world.Clock.Advance(world.Options.RunLockLease + TimeSpan.FromSeconds(1));
        var result = await world.Pair().RunAsync();
        Assert.Equal(SyncStatus.Completed, result.Status);
        var takeover = Assert.Single(result.Log, entry => entry.Kind == SyncLogKind.LockTakenOver);
        Assert.Contains($"pid {dead.ProcessId}", takeover.Message, StringComparison.Ordinal);
        Assert.Contains("crashed or was killed", takeover.Message, StringComparison.Ordinal);
        var logged = new List<SyncLogEntry>();
        await foreach (var entry in world.Store.ReadLogAsync())
        {
            logged.Add(entry);
        }

        Assert.Contains(logged, entry => entry.Kind == SyncLogKind.LockTakenOver);
        Assert.Null(await world.Store.GetRunLockAsync());

        // Converged: both sides hold every key, each copied once, and a re-run does nothing.
        var a = await world.SnapshotAsync(SyncSide.A);
        Assert.Equal(SyncWorld.Render(a), SyncWorld.Render(await world.SnapshotAsync(SyncSide.B)));
        Assert.Equal(13, a.Count);
        Assert.Equal(12, world.B.Mutations);
        Assert.True((await world.Pair().RunAsync()).Plan.IsEmpty);
    }

    [Fact]
    public async Task A_waiting_run_starts_after_the_first_finishes()
    {
        await using var world = new SyncWorld(new SyncOptions { MaxParallelTransfers = 1 });
        var (_, second) = await StoresAsync(world, "sqlite");
        await SeedAsync(world, 6);
        using var gate = new FirstSaveGate(world.B);
        bool firstDone = false;
        var running = Task.Run(() => world.Pair().RunAsync(new Reports(report => firstDone |= report.Phase == "done")));
        await gate.Holding.WaitAsync(HangGuard);

        var waiting = new TaskCompletionSource<SyncProgress>(TaskCreationOptions.RunContinuationsAsynchronously);
        var phasesBeforeFirstFinished = new ConcurrentQueue<string>();
        var other = new SyncPair(new SyncEndpoint("laptop", world.A), new SyncEndpoint("cloud", world.B), second,
            world.Options with { RunLockWait = TimeSpan.FromMinutes(10) });
        var queued = other.RunAsync(new Reports(report =>
        {
            if (report.Phase == "wait")
            {
                waiting.TrySetResult(report);
            }
            else if (!Volatile.Read(ref firstDone))
            {
                phasesBeforeFirstFinished.Enqueue(report.Phase);
            }
        }));

        var wait = await waiting.Task.WaitAsync(HangGuard);
        Assert.Contains($"pid {Environment.ProcessId}", wait.Detail, StringComparison.Ordinal);
        Assert.Contains("waiting up to 00:10:00", wait.Detail, StringComparison.Ordinal);
        Assert.False(queued.IsCompleted);
        Assert.Equal(0, world.B.Mutations);

        gate.Release();
        Assert.Equal(SyncStatus.Completed, (await running.WaitAsync(HangGuard)).Status);
        var result = await queued.WaitAsync(HangGuard);
        Assert.Equal(SyncStatus.Completed, result.Status);
        Assert.Empty(phasesBeforeFirstFinished);
        Assert.True(result.Plan.IsEmpty);
        Assert.Equal(6, world.B.Mutations);
    }

    [Fact]
    public async Task A_waiting_run_gives_up_after_its_wait_with_the_holder_named()
    {
        await using var world = new SyncWorld(new SyncOptions { MaxParallelTransfers = 1 });
        var (_, second) = await StoresAsync(world, "memory");
        await SeedAsync(world, 2);
        using var gate = new FirstSaveGate(world.B);
        var running = Task.Run(() => world.Pair().RunAsync()); // the gate blocks its thread
        await gate.Holding.WaitAsync(HangGuard);

        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var other = new SyncPair(new SyncEndpoint("laptop", world.A), new SyncEndpoint("cloud", world.B), second,
            world.Options with { RunLockWait = TimeSpan.FromSeconds(30) });
        var queued = other.RunAsync(new Reports(report => _ = report.Phase == "wait" && waiting.TrySetResult()));
        await waiting.Task.WaitAsync(HangGuard);

        // The wait ends on the pair's clock, not the machine's (the waiter's next poll is set before it reports).
        world.Clock.Advance(TimeSpan.FromSeconds(30));
        var refused = await Assert.ThrowsAsync<StorageException>(() => queued.WaitAsync(HangGuard));
        Assert.Contains("it waited 00:00:30", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, world.B.Mutations);
        gate.Release();
        Assert.Equal(SyncStatus.Completed, (await running.WaitAsync(HangGuard)).Status);
    }

    [Fact]
    public async Task A_live_run_renews_its_lease_so_it_is_never_taken_over()
    {
        await using var world = new SyncWorld(new SyncOptions { MaxParallelTransfers = 1 });
        var (first, second) = await StoresAsync(world, "sqlite");
        await SeedAsync(world, 3);
        using var gate = new FirstSaveGate(world.B);
        var running = Task.Run(() => world.Pair().RunAsync()); // the gate blocks its thread
        await gate.Holding.WaitAsync(HangGuard);
        var held = (await first.GetRunLockAsync())!;

        // Five leases' worth of time, a third of a lease at a time: each step fires one renewal.
        var step = world.Options.RunLockLease / 3;
        for (int i = 0; i < 15; i++)
        {
            var renewed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            world.Store.Renewed = () => renewed.TrySetResult();
            world.Clock.Advance(step);
            await renewed.Task.WaitAsync(HangGuard);
        }

        Assert.Equal(world.Clock.GetUtcNow() + world.Options.RunLockLease, (await first.GetRunLockAsync())!.Expires);

        var other = new SyncPair(new SyncEndpoint("laptop", world.A), new SyncEndpoint("cloud", world.B), second, world.Options);
        var refused = await Assert.ThrowsAsync<StorageException>(() => other.RunAsync());
        Assert.Contains(held.Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), refused.Message, StringComparison.Ordinal);
        gate.Release();
        var result = await running.WaitAsync(HangGuard);
        Assert.Equal(SyncStatus.Completed, result.Status);
        Assert.DoesNotContain(result.Log, entry => entry.Kind == SyncLogKind.LockTakenOver);
    }

    [Fact]
    public async Task Options_out_of_range_are_refused_with_their_names()
    {
        await using var engine = new Atomiton.Storage.Memory.MemoryEngine();
        var store = new MemorySyncStateStore();
        var error = Assert.Throws<StorageException>(() => new SyncPair(new SyncEndpoint("a", engine), new SyncEndpoint("b", engine), store, new SyncOptions { RunLockLease = TimeSpan.Zero }));
        Assert.Contains("RunLockLease", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<StorageException>(() => new SyncPair(new SyncEndpoint("a", engine), new SyncEndpoint("b", engine), store, new SyncOptions { RunLockWait = TimeSpan.FromSeconds(-2) }));
        Assert.Contains("RunLockWait", error.Message, StringComparison.Ordinal);
    }

    private static SyncRunLock Lock(string owner, DateTimeOffset now) =>
        new() { Owner = owner, Host = "test", ProcessId = 1, Since = now, Expires = now.AddMinutes(2) };

    /// <summary>The world's store and a second, independent store over the same state (another SQLite connection, or the same memory store).</summary>
    private async Task<(ISyncStateStore First, ISyncStateStore Second)> StoresAsync(SyncWorld world, string kind)
    {
        if (kind == "memory")
        {
            return (world.Store, world.Store);
        }

        string path = Path.Combine(_folder, "pair.db");
        world.Store.Inner = await SqliteSyncStateStore.OpenAsync(path);
        var second = await SqliteSyncStateStore.OpenAsync(path);
        _secondStores.Add(second);
        return (world.Store, second);
    }

    private readonly List<SqliteSyncStateStore> _secondStores = [];

    private static async Task SeedAsync(SyncWorld world, int keys)
    {
        for (int i = 0; i < keys; i++)
        {
            await world.WriteAsync(SyncSide.A, $"k{i:00}", $"v{i}");
        }
    }

    private static ConcurrentDictionary<string, int> CountSaves(SyncWorld world)
    {
        var saves = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var previous = world.B.AfterMutation;
        world.B.AfterMutation = (operation, key) =>
        {
            if (operation == "save" && key is not null)
            {
                saves.AddOrUpdate(key, 1, (_, count) => count + 1);
            }

            previous?.Invoke(operation, key);
        };
        return saves;
    }

    /// <summary>Holds the first save on an engine (inside the call, so the run holds its lock) until released.</summary>
    private sealed class FirstSaveGate : IDisposable
    {
        private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _release = new();
        private int _entered;

        public FirstSaveGate(SimEngine engine)
        {
            engine.Hook = (operation, _) =>
            {
                if (operation == "save" && Interlocked.Exchange(ref _entered, 1) == 0)
                {
                    _holding.TrySetResult();
                    Assert.True(_release.Wait(HangGuard), "the gate was never released");
                }
            };
        }

        /// <summary>Completes when the run is inside the held save.</summary>
        public Task Holding => _holding.Task;

        public void Release() => _release.Set();

        public void Dispose()
        {
            _release.Set();
            _release.Dispose();
        }
    }

    /// <summary>Progress reported on the reporting thread (no posting), so a test sees each report before the run goes on.</summary>
    private sealed class Reports(Action<SyncProgress> report) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => report(value);
    }
}
