using System.Runtime.CompilerServices;
using Atomiton.Storage.Sync.Execution;
using Atomiton.Storage.Sync.Planning;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync;

/// <summary>
/// Two engines kept in sync through a state store: observe each side (change feed, or a listing),
/// plan three-way against the synced base, refuse when a safety valve trips, then apply with
/// preconditions (bounded parallelism), committing finished keys in short transactions. See docs/sync.md.
/// </summary>
/// <remarks>
/// One run at a time per pair: every run that may change something (<see cref="RunAsync"/>,
/// <see cref="RebaselineAsync"/>, <see cref="ReconcileKeysAsync"/>, each run of
/// <see cref="RunContinuouslyAsync"/>) holds the pair's run lock in the state store from before it
/// observes until it has committed (<see cref="SyncRunLock"/>), across instances and processes; a
/// second run is refused with a Conflict <see cref="StorageException"/> or waits
/// (<see cref="SyncOptions.RunLockWait"/>). Dry runs take no lock and say when a run is in progress.
/// The engines may be written by others during a run: such races are detected by the preconditions and re-planned.
/// </remarks>
public sealed class SyncPair
{
    /// <summary>The <see cref="StorageException.Operation"/> of the error a run gets when another run of the pair holds (or took over) the run lock.</summary>
    public const string RunLockOperation = "sync-run-lock";

    private readonly ISyncStateStore _store;

    // Completed by RequestRun; replaced before each continuous run (one run covers any number of requests).
    private TaskCompletionSource _runRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A pair of <paramref name="a"/> and <paramref name="b"/> keeping its state in <paramref name="state"/>.</summary>
    public SyncPair(SyncEndpoint a, SyncEndpoint b, ISyncStateStore state, SyncOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(state);
        A = a;
        B = b;
        _store = state;
        Options = options ?? new SyncOptions();
        if (Options.MaxParallelTransfers < 1)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration, $"SyncOptions.MaxParallelTransfers is {Options.MaxParallelTransfers}; it must be 1 or more (1 runs transfers one at a time).");
        }

        if (Options.CommitEvery < 1 || Options.CommitInterval < TimeSpan.Zero)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration, $"SyncOptions.CommitEvery is {Options.CommitEvery} and CommitInterval {Options.CommitInterval}; CommitEvery must be 1 or more and CommitInterval not negative.");
        }

        if (Options.RunLockLease < TimeSpan.FromSeconds(1) || (Options.RunLockWait < TimeSpan.Zero && Options.RunLockWait != Timeout.InfiniteTimeSpan))
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration, $"SyncOptions.RunLockLease is {Options.RunLockLease} and RunLockWait {Options.RunLockWait}; the lease must be 1 second or more, and the wait zero (refuse at once), positive, or Timeout.InfiniteTimeSpan.");
        }

        if (Options.Conflicts == Conflicts.ConflictPolicy.Custom && Options.Resolver is null)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration, "SyncOptions.Conflicts is Custom but SyncOptions.Resolver is null. Set a resolver, or choose another conflict policy.");
        }
    }

    /// <summary>Side A.</summary>
    public SyncEndpoint A { get; }

    /// <summary>Side B.</summary>
    public SyncEndpoint B { get; }

    /// <summary>The options.</summary>
    public SyncOptions Options { get; }

    /// <summary>
    /// A dry run: observes both sides and returns every planned action with its reason, the totals
    /// and the valve verdicts. Changes neither engine nor the state store (cursors do not advance).
    /// Takes no run lock: <see cref="SyncPlan.RunInProgress"/> names a run of the pair in progress.
    /// </summary>
    public async Task<SyncPlan> PlanAsync(CancellationToken cancellationToken = default) =>
        (await RunCoreAsync(new OverlaySyncStateStore(_store), dryRun: true, rebaseline: false, keys: null, progress: null, cancellationToken)).Plan;

    /// <summary>Observes, plans and applies, holding the pair's run lock. Never throws for a key that fails: see <see cref="SyncResult.Status"/> and the log.</summary>
    /// <exception cref="StorageException">
    /// When a side cannot be observed at all (its listing or feed fails); nothing was changed.
    /// Conflict (transient, <see cref="StorageException.Operation"/> <see cref="RunLockOperation"/>) when another
    /// run of the pair holds the run lock after <see cref="SyncOptions.RunLockWait"/> (nothing was changed; the
    /// message names its host, process and start), or took it over while this run stalled past its lease
    /// (what this run finished is committed).
    /// </exception>
    public Task<SyncResult> RunAsync(IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunCoreAsync(_store, dryRun: false, rebaseline: false, keys: null, progress, cancellationToken);

    /// <summary>
    /// Lists both sides again and merges them without propagating any deletion (a key missing on one
    /// side is copied back; different content is a conflict): after a lost or distrusted state, a
    /// changed identity, or to start over. Records the sides' current identities.
    /// </summary>
    public Task<SyncResult> RebaselineAsync(IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunCoreAsync(_store, dryRun: false, rebaseline: true, keys: null, progress, cancellationToken);

    /// <summary>The same as a dry run of <see cref="RebaselineAsync"/>.</summary>
    public async Task<SyncPlan> PlanRebaselineAsync(CancellationToken cancellationToken = default) =>
        (await RunCoreAsync(new OverlaySyncStateStore(_store), dryRun: true, rebaseline: true, keys: null, progress: null, cancellationToken)).Plan;

    /// <summary>
    /// Syncs only <paramref name="keys"/> (each re-read on both sides): how writes a failover stage
    /// served from a secondary are reconciled with the primary.
    /// </summary>
    public Task<SyncResult> ReconcileKeysAsync(IEnumerable<string> keys, IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return RunCoreAsync(_store, dryRun: false, rebaseline: false, [.. keys.Distinct(StringComparer.Ordinal)], progress, cancellationToken);
    }

    /// <summary>
    /// Runs, then waits for a change, and runs again, until cancelled; yields each run's result. The
    /// wait ends at the first of: a side's change-feed wait reporting a change (engines with
    /// <see cref="StorageCapabilities.ChangeFeedWait"/>), <see cref="RequestRun"/> (call it after a
    /// local write to a side without one, such as the filesystem, or from a file watcher), or
    /// <paramref name="interval"/> on <see cref="SyncOptions.TimeProvider"/>.
    /// </summary>
    /// <remarks>
    /// Each run takes the run lock and releases it before the wait, so a one-off run of the same pair
    /// (another process) can run between two of them; a run that finds the lock held waits for it
    /// (however long <see cref="SyncOptions.RunLockWait"/> is), reporting phase <c>wait</c>.
    /// Cancellation ends the enumeration with <see cref="OperationCanceledException"/>; every key a run
    /// finished before it is committed (cursors with the observations they delivered), so the next run
    /// resumes without redoing them. A wake-up whose changes are the run's own writes, or touches that
    /// changed no content, plans nothing and writes nothing.
    /// </remarks>
    public async IAsyncEnumerable<SyncResult> RunContinuouslyAsync(TimeSpan interval, IProgress<SyncProgress>? progress = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // A request made before this run's observation is served by it.
            if (Volatile.Read(ref _runRequested).Task.IsCompleted)
            {
                Volatile.Write(ref _runRequested, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            yield return await RunCoreAsync(_store, dryRun: false, rebaseline: false, keys: null, progress, cancellationToken, waitForever: true);
            await WaitForChangesAsync(interval, cancellationToken);
        }
    }

    /// <summary>
    /// Wakes <see cref="RunContinuouslyAsync"/> from its wait so it runs at once (or, during a run, once
    /// more after it). Thread-safe; requests made together cause one run.
    /// </summary>
    public void RequestRun() => Volatile.Read(ref _runRequested).TrySetResult();

    private async Task WaitForChangesAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        var pair = await _store.GetPairAsync(cancellationToken);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waits = new List<Task> { Task.Delay(interval, Options.TimeProvider, linked.Token), Volatile.Read(ref _runRequested).Task.WaitAsync(linked.Token) };
        foreach (var (side, endpoint) in new[] { (SyncSide.A, A), (SyncSide.B, B) })
        {
            if (endpoint.Engine.Capabilities.HasFlag(StorageCapabilities.ChangeFeedWait) && pair?.CursorOf(side) is { } cursor)
            {
                waits.Add(endpoint.Engine.WaitForChangesAsync(cursor, interval, linked.Token).AsTask());
            }
        }

        await Task.WhenAny(waits);
        await linked.CancelAsync();
        try
        {
            await Task.WhenAll(waits);
        }
        catch (Exception e) when (e is OperationCanceledException or StorageException)
        {
            // A wait that failed or was cancelled only ends the pause; the next run observes properly.
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private string PairName => $"'{A.Name}' <-> '{B.Name}'";

    private async Task<SyncResult> RunCoreAsync(ISyncStateStore store, bool dryRun, bool rebaseline, IReadOnlyList<string>? keys,
        IProgress<SyncProgress>? progress, CancellationToken cancellationToken, bool waitForever = false)
    {
        if (dryRun)
        {
            var holder = await _store.GetRunLockAsync(cancellationToken);
            var planned = await RunLockedAsync(store, dryRun, rebaseline, keys, progress, cancellationToken);
            return holder is null || holder.IsExpiredAt(Options.TimeProvider.GetUtcNow()) ? planned : planned with { Plan = planned.Plan with { RunInProgress = holder } };
        }

        await using var lease = await SyncRunLease.AcquireAsync(_store, PairName, Options, waitForever, progress, cancellationToken);
        try
        {
            IReadOnlyList<SyncLogEntry> takeover = [];
            if (lease.TakenOver is { } dead)
            {
                takeover = [new SyncLogEntry(Options.TimeProvider.GetUtcNow(), SyncLogKind.LockTakenOver, string.Empty,
                    $"took over the run lock of {PairName} from a run that stopped without releasing it ({dead.Describe()}): it crashed or was killed. "
                    + "What it committed stays; this run observes and plans the rest.")];
                await _store.CommitAsync(new SyncStateCommit { Log = takeover }, lease.Token);
            }

            var result = await RunLockedAsync(store, dryRun, rebaseline, keys, progress, lease.Token);
            return takeover.Count == 0 ? result : result with { Log = [.. takeover, .. result.Log] };
        }
        catch (OperationCanceledException) when (lease.IsLost && !cancellationToken.IsCancellationRequested)
        {
            throw lease.Lost(PairName);
        }
    }

    private async Task<SyncResult> RunLockedAsync(ISyncStateStore store, bool dryRun, bool rebaseline, IReadOnlyList<string>? keys,
        IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var pair = await store.GetPairAsync(cancellationToken);
        var verdicts = new List<SafetyVerdict>();
        var mode = SyncMode.Normal;
        string? reason = null;
        if (pair is null || rebaseline)
        {
            mode = SyncMode.Merge;
            reason = pair is null
                ? "first run: there is no synced base yet, so one-sided keys are copied and different ones are conflicts"
                : "rebaseline: both sides are listed again and merged; no deletion propagates";
            pair = new SyncPairState { IdentityA = A.EffectiveIdentity, IdentityB = B.EffectiveIdentity, LastRun = pair?.LastRun, LastTrashPurge = pair?.LastTrashPurge };
            await store.CommitAsync(new SyncStateCommit { Pair = pair }, cancellationToken);
        }
        else
        {
            AddIdentityVerdict(verdicts, SyncSide.A, pair.IdentityA, A.EffectiveIdentity);
            AddIdentityVerdict(verdicts, SyncSide.B, pair.IdentityB, B.EffectiveIdentity);
        }

        var unsettled = new List<SyncKeyState>();
        if (keys is not null)
        {
            foreach (string key in keys)
            {
                unsettled.Add(await SyncObserver.ReobserveAsync(store, A, B, key, cancellationToken));
            }
        }
        else
        {
            var observer = new SyncObserver(store, Options, progress);
            foreach (var (side, endpoint) in new[] { (SyncSide.A, A), (SyncSide.B, B) })
            {
                if (await observer.ObserveAsync(side, endpoint, forceListing: rebaseline, cancellationToken) is { } why)
                {
                    mode = SyncMode.Merge;
                    reason = why;
                }
            }

            await foreach (var state in store.ReadUnsettledAsync(cancellationToken))
            {
                unsettled.Add(state);
            }
        }

        progress?.Report(new SyncProgress("plan", 0, unsettled.Count));
        var plan = SyncPlanner.Plan(new SyncPlanInput
        {
            States = unsettled,
            Counts = await store.CountAsync(cancellationToken),
            Mode = mode,
            ModeReason = reason,
            RulesA = A.Engine.KeyRules,
            RulesB = B.Engine.KeyRules,
            FindFolded = await FoldedKeysAsync(store, cancellationToken),
            Verdicts = verdicts,
        }, Options);

        if (dryRun || plan.IsAborted)
        {
            return new SyncResult { Status = plan.IsAborted ? SyncStatus.SafetyAbort : SyncStatus.Completed, Plan = plan };
        }

        var now = Options.TimeProvider.GetUtcNow();
        using var executor = new SyncExecutor(A, B, store, Options, mode, SyncExecutor.Stamp(now), progress);
        await executor.ExecuteAsync(plan.Actions, cancellationToken);
        pair = (await store.GetPairAsync(cancellationToken))!;
        if (keys is null && (executor.TrashWritten || pair.LastTrashPurge is null || now - pair.LastTrashPurge.Value >= TimeSpan.FromDays(1)))
        {
            await PurgeTrashAsync(now, cancellationToken);
            pair = pair with { LastTrashPurge = now };
        }

        await store.CommitAsync(new SyncStateCommit { Pair = pair with { LastRun = now } }, cancellationToken);
        progress?.Report(new SyncProgress("done", plan.Actions.Count, plan.Actions.Count));
        return new SyncResult
        {
            Status = executor.TransientFailures > 0 ? SyncStatus.RetryLater
                : executor.PermanentFailures + executor.Unresolved + executor.Collisions > 0 ? SyncStatus.NeedsAttention
                : SyncStatus.Completed,
            Plan = plan,
            Applied = executor.Applied,
            Replanned = executor.Replanned,
            Failed = executor.TransientFailures + executor.PermanentFailures,
            Log = executor.Log,
        };
    }

    private void AddIdentityVerdict(List<SafetyVerdict> verdicts, SyncSide side, string recorded, string current)
    {
        if (recorded != current)
        {
            verdicts.Add(new SafetyVerdict(SafetyValve.IdentityChanged, side,
                $"side {side} was '{recorded}' when this pair was last synced and is now '{current}'",
                "if it holds the same data, run 'sync rebaseline' (a merge that deletes nothing); otherwise use another --state file", Options.Force));
        }
    }

    private async Task<Func<SyncSide, string, string?>?> FoldedKeysAsync(ISyncStateStore store, CancellationToken cancellationToken)
    {
        var maps = new Dictionary<SyncSide, Dictionary<string, string>>();
        foreach (var (side, endpoint) in new[] { (SyncSide.A, A), (SyncSide.B, B) })
        {
            var rules = endpoint.Engine.KeyRules;
            if (rules.CaseInsensitive || rules.UnicodeNormalization is not null)
            {
                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                await foreach (var state in store.ReadAllAsync(Options.Prefix, cancellationToken))
                {
                    if (state.Of(side) is not null)
                    {
                        map.TryAdd(SyncPlanner.Fold(state.Key, rules), state.Key);
                    }
                }

                maps[side] = map;
            }
        }

        return maps.Count == 0 ? null : (side, folded) => maps.TryGetValue(side, out var map) ? map.GetValueOrDefault(folded) : null;
    }

    /// <summary>Deletes trashed versions older than <see cref="SyncOptions.TrashRetention"/> on both sides. A failure is left for the next purge.</summary>
    private async Task PurgeTrashAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        string trash = SyncObserver.ReservedPrefix(Options) + "trash/";
        string oldest = SyncExecutor.Stamp(now - Options.TrashRetention);
        foreach (var engine in new[] { A.Engine, B.Engine })
        {
            try
            {
                var expired = new List<string>();
                await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = trash, KeysOnly = true }, cancellationToken))
                {
                    string rest = entry.Key[trash.Length..];
                    int slash = rest.IndexOf('/', StringComparison.Ordinal);
                    if (entry.IsObject && slash > 0 && string.CompareOrdinal(rest[..slash], oldest) < 0)
                    {
                        expired.Add(entry.Key);
                    }
                }

                foreach (string key in expired)
                {
                    await engine.DeleteAsync(key, DeleteOptions.Default, cancellationToken);
                }
            }
            catch (StorageException)
            {
                // Purging is housekeeping: the versions stay until a later purge succeeds.
            }
        }
    }
}
