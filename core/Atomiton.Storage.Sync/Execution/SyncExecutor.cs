using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Atomiton.Storage.Sync.Conflicts;
using Atomiton.Storage.Sync.Planning;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Execution;

/// <summary>
/// Applies a plan, copies before deletes (the plan's order, each phase finished before the next
/// starts), up to <see cref="SyncOptions.MaxParallelTransfers"/> keys at once. Every mutation
/// carries the observed version; a failed precondition (Conflict, or NotFound of a planned source)
/// re-observes that key on both sides and re-plans it, up to <see cref="SyncOptions.MaxAttemptsPerKey"/>.
/// A key's result is queued when its transfer is done and committed with others in one transaction
/// (<see cref="SyncOptions.CommitEvery"/>, <see cref="SyncOptions.CommitInterval"/>); a failure
/// records nothing but its log line.
/// </summary>
/// <remarks>
/// Actions are started on the calling thread, so engines whose calls complete synchronously (the
/// simulation's) run them in plan order, deterministically. Conflicts and moves run alone, after a
/// commit, because they read the state of other keys (conflict-copy families).
/// </remarks>
internal sealed partial class SyncExecutor(
    SyncEndpoint a, SyncEndpoint b, ISyncStateStore store, SyncOptions options, SyncMode mode, string runStamp, IProgress<SyncProgress>? progress) : IDisposable
{
    private readonly List<SyncLogEntry> _log = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _commitGate = new(1, 1);
    private List<SyncKeyState> _pendingKeys = [];
    private List<SyncLogEntry> _pendingLog = [];
    private int _pendingResults;
    private long _lastCommit = options.TimeProvider.GetTimestamp();
    private int _applied;
    private int _replanned;
    private int _transientFailures;
    private int _permanentFailures;
    private int _unresolved;
    private int _collisions;
    private int _done;

    public IReadOnlyList<SyncLogEntry> Log => _log;

    public int Applied => Volatile.Read(ref _applied);

    public int Replanned => Volatile.Read(ref _replanned);

    public int TransientFailures => Volatile.Read(ref _transientFailures);

    public int PermanentFailures => Volatile.Read(ref _permanentFailures);

    public int Unresolved => Volatile.Read(ref _unresolved);

    public int Collisions => Volatile.Read(ref _collisions);

    public bool TrashWritten { get; private set; }

    public async Task ExecuteAsync(IReadOnlyList<SyncAction> actions, CancellationToken cancellationToken)
    {
        var running = new List<(Task Task, string Folded)>();
        int? phase = null;
        try
        {
            foreach (var action in actions)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int next = Phase(action.Kind);
                bool alone = action.Kind is SyncActionKind.Conflict or SyncActionKind.Move;
                string folded = Folded(action.Key);
                if (next != phase || alone || running.Exists(task => task.Folded == folded))
                {
                    await WaitAllAsync(running);
                    if (next != phase || alone)
                    {
                        await CommitPendingAsync(cancellationToken);
                    }
                }

                while (running.Count >= options.MaxParallelTransfers)
                {
                    await Task.WhenAny(running.Select(task => task.Task));
                    Reap(running);
                }

                phase = next;
                running.Add((RunTrackedAsync(action, actions.Count, cancellationToken), folded));
                Reap(running);
            }

            await WaitAllAsync(running);
        }
        catch (Exception) when (running.Count > 0)
        {
            // Let the keys in flight finish (or fail) before reporting; their results are committed below.
            await Task.WhenAll(running.Select(task => task.Task)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await CommitFinishedAsync();
            throw;
        }
        catch (Exception)
        {
            await CommitFinishedAsync();
            throw;
        }

        await CommitPendingAsync(cancellationToken);
    }

    /// <summary>The plan's phases: copies and conflicts, then moves, then deletes, then forgets.</summary>
    private static int Phase(SyncActionKind kind) => kind switch
    {
        SyncActionKind.Move => 1,
        SyncActionKind.Delete => 2,
        SyncActionKind.Forget => 3,
        _ => 0,
    };

    /// <summary>A conservative name under which keys that one engine may store as one object (case, Unicode form) never run together.</summary>
    private static string Folded(string key) => key.Normalize(NormalizationForm.FormC).ToUpperInvariant();

    private async Task RunTrackedAsync(SyncAction action, int total, CancellationToken cancellationToken)
    {
        await RunAsync(action, 1, cancellationToken);
        progress?.Report(new SyncProgress("apply", Interlocked.Increment(ref _done), total, action.Key));
    }

    /// <summary>Drops finished tasks; rethrows the first failure (a crash or cancellation: key failures are never thrown).</summary>
    private static void Reap(List<(Task Task, string Folded)> running)
    {
        int failed = running.FindIndex(task => task.Task.IsFaulted || task.Task.IsCanceled);
        if (failed >= 0)
        {
            var task = running[failed].Task;
            running.RemoveAt(failed);
            task.GetAwaiter().GetResult();
        }

        running.RemoveAll(task => task.Task.IsCompletedSuccessfully);
    }

    private static async Task WaitAllAsync(List<(Task Task, string Folded)> running)
    {
        while (running.Count > 0)
        {
            await Task.WhenAny(running.Select(task => task.Task));
            Reap(running);
        }
    }

    /// <summary>After a crash-like failure or cancellation: the keys that did finish are committed (best effort; the next run would find them anyway).</summary>
    private async Task CommitFinishedAsync()
    {
        try
        {
            await CommitPendingAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // The run is failing already; what was not committed is re-observed and recorded by the next run.
        }
    }

    private IStorageEngine Engine(SyncSide side) => side == SyncSide.A ? a.Engine : b.Engine;

    private async Task RunAsync(SyncAction action, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyAsync(action, cancellationToken);
            if (action.Kind is not SyncActionKind.Skip)
            {
                Interlocked.Increment(ref _applied);
            }
        }
        catch (StorageException e) when (e.Code is StorageErrorCode.Conflict or StorageErrorCode.NotFound)
        {
            Interlocked.Increment(ref _replanned);
            if (attempt >= options.MaxAttemptsPerKey)
            {
                await FailAsync(action.Key, $"'{action.Key}' kept changing while it was synced ({attempt} attempts; last: {e.Message}). Nothing was recorded for it; the next run retries it.", transient: true, cancellationToken);
                return;
            }

            foreach (string key in action.PreviousKey is { } previous ? new[] { previous, action.Key } : [action.Key])
            {
                var state = await SyncObserver.ReobserveAsync(store, a, b, key, cancellationToken);
                if (!state.IsSettled)
                {
                    await RunAsync(SyncPlanner.Decide(state, mode, options), attempt + 1, cancellationToken);
                }
            }
        }
        catch (StorageException e)
        {
            await FailAsync(action.Key, $"Syncing '{action.Key}' failed: {e.Message}" + (e.IsTransient || e.IsPersistent ? " The next run retries it." : " Fix the cause, then run again."),
                e.IsTransient || e.IsPersistent, cancellationToken);
        }
    }

    private async Task FailAsync(string key, string message, bool transient, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref transient ? ref _transientFailures : ref _permanentFailures);

        await CommitAsync([], [Entry(SyncLogKind.Failed, key, message)], cancellationToken);
    }

    private Task ApplyAsync(SyncAction action, CancellationToken cancellationToken) => action.Kind switch
    {
        SyncActionKind.Record => CommitAsync([Synced(action.State.Key, action.State.A!, action.State.B!)], [], cancellationToken),
        SyncActionKind.Forget => CommitAsync([new SyncKeyState(action.Key, null, null, null)], [], cancellationToken),
        SyncActionKind.Skip => SkipAsync(action, cancellationToken),
        SyncActionKind.Copy => CopyAsync(action, cancellationToken),
        SyncActionKind.Delete => DeleteAsync(action, cancellationToken),
        SyncActionKind.Move => MoveAsync(action, cancellationToken),
        _ => ConflictAsync(action, cancellationToken),
    };

    private Task SkipAsync(SyncAction action, CancellationToken cancellationToken)
    {
        bool conflict = action.Policy == ConflictPolicy.Skip;
        Interlocked.Increment(ref conflict ? ref _unresolved : ref _collisions);
        return CommitAsync([], [Entry(conflict ? SyncLogKind.Unresolved : SyncLogKind.Collision, action.Key, action.Reason)], cancellationToken);
    }

    private async Task CopyAsync(SyncAction action, CancellationToken cancellationToken)
    {
        SyncSide from = action.From!.Value, to = action.To!.Value;
        var state = action.State;
        var source = state.Of(from)!;
        var target = state.Of(to);
        var (read, saved, sha) = await Transfers.CopyAsync(Engine(from), action.Key, source.ETag, Engine(to), action.Key,
            target is null ? WriteCondition.IfNotExists : WriteCondition.IfMatch(target.ETag), cancellationToken);
        var fromVersion = SyncVersion.From(read, sha);
        var toVersion = SyncVersion.From(saved, sha);
        await CommitAsync([Synced(action.Key, from == SyncSide.A ? fromVersion : toVersion, from == SyncSide.A ? toVersion : fromVersion)], [], cancellationToken);
    }

    private async Task DeleteAsync(SyncAction action, CancellationToken cancellationToken)
    {
        SyncSide to = action.To!.Value, from = to.Other();
        await EnsureAbsentAsync(from, action.Key, cancellationToken);
        var doomed = action.State.Of(to)!;
        string trash = await TrashAsync(to, action.Key, doomed.ETag, cancellationToken);
        await Transfers.DeleteAsync(Engine(to), action.Key, doomed.ETag, cancellationToken);
        await CommitAsync([new SyncKeyState(action.Key, null, null, null)],
            [Entry(SyncLogKind.Trashed, action.Key, $"Deleted on {to} because {from} deleted it; the version is kept as '{trash}' until the trash retention passes.", trash, to)],
            cancellationToken);
    }

    private async Task MoveAsync(SyncAction action, CancellationToken cancellationToken)
    {
        SyncSide from = action.From!.Value, to = action.To!.Value;
        string previous = action.PreviousKey!;
        await EnsureAbsentAsync(from, previous, cancellationToken);
        var old = action.PreviousState!.Of(to)!;
        var engine = Engine(to);
        var rules = engine.KeyRules;
        StorageItem saved;
        string sha;
        if (SyncPlanner.Fold(previous, rules) == SyncPlanner.Fold(action.Key, rules))
        {
            // A case- or normalisation-only rename on an engine that folds: the new name is the same
            // native object, so create-then-delete would delete it. Go through a trash copy instead.
            string trash = await TrashAsync(to, previous, old.ETag, cancellationToken);
            var parked = await engine.StatAsync(trash, cancellationToken);
            await Transfers.DeleteAsync(engine, previous, old.ETag, cancellationToken);
            (_, saved, sha) = await Transfers.CopyAsync(engine, trash, parked.ETag, engine, action.Key, WriteCondition.IfNotExists, cancellationToken);
        }
        else
        {
            (_, saved, sha) = await Transfers.CopyAsync(engine, previous, old.ETag, engine, action.Key, WriteCondition.IfNotExists, cancellationToken);
            await Transfers.DeleteAsync(engine, previous, old.ETag, cancellationToken);
        }

        var moved = SyncVersion.From(saved, sha);
        var source = action.State.Of(from)!;
        await CommitAsync(
            [new SyncKeyState(previous, null, null, null), Synced(action.Key, from == SyncSide.A ? source : moved, from == SyncSide.A ? moved : source)],
            [], cancellationToken);
    }

    /// <summary>Before propagating a deletion, confirms the deleting side really lacks the key (a stale feed entry must not delete anything).</summary>
    private async Task EnsureAbsentAsync(SyncSide side, string key, CancellationToken cancellationToken)
    {
        if (await SyncObserver.StatAsync(Engine(side), key, cancellationToken) is not null)
        {
            throw new StorageException(StorageErrorCode.Conflict, $"'{key}' is present again on {side}; re-planning it instead of deleting.") { Key = key };
        }
    }

    /// <summary>Saves the version <paramref name="etag"/> of <paramref name="key"/> on <paramref name="side"/> under the trash prefix; returns the trash key.</summary>
    private async Task<string> TrashAsync(SyncSide side, string key, string etag, CancellationToken cancellationToken)
    {
        string trash = TrashKey(key);
        await Transfers.CopyAsync(Engine(side), key, etag, Engine(side), trash, WriteCondition.None, cancellationToken);
        TrashWritten = true;
        return trash;
    }

    private string TrashKey(string key)
    {
        string relative = key[options.Prefix.Length..];
        string folder = SyncObserver.ReservedPrefix(options) + "trash/" + runStamp + "/";
        if (Encoding.UTF8.GetByteCount(folder + relative) <= StorageKey.MaxKeyBytes)
        {
            return folder + relative;
        }

        string name = relative[(relative.LastIndexOf('/') + 1)..];
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8];
        return folder + hash + "-" + name;
    }

    /// <summary>Queues one key's result; commits the queue when it is full or <see cref="SyncOptions.CommitInterval"/> has passed.</summary>
    private async Task CommitAsync(IReadOnlyList<SyncKeyState> keys, IReadOnlyList<SyncLogEntry> log, CancellationToken cancellationToken)
    {
        bool due;
        lock (_gate)
        {
            _pendingKeys.AddRange(keys);
            _pendingLog.AddRange(log);
            _pendingResults++;
            due = _pendingResults >= options.CommitEvery || options.TimeProvider.GetElapsedTime(_lastCommit) >= options.CommitInterval;
        }

        if (due)
        {
            await CommitPendingAsync(cancellationToken);
        }
    }

    /// <summary>Commits every queued result in one transaction (commits never overlap, so they apply in order).</summary>
    private async Task CommitPendingAsync(CancellationToken cancellationToken)
    {
        await _commitGate.WaitAsync(cancellationToken);
        try
        {
            List<SyncKeyState> keys;
            List<SyncLogEntry> log;
            int results;
            lock (_gate)
            {
                if (_pendingResults == 0)
                {
                    return;
                }

                (keys, log, results) = (_pendingKeys, _pendingLog, _pendingResults);
                (_pendingKeys, _pendingLog, _pendingResults) = ([], [], 0);
                _lastCommit = options.TimeProvider.GetTimestamp();
            }

            try
            {
                await store.CommitAsync(new SyncStateCommit { Keys = keys, Log = log }, cancellationToken);
            }
            catch
            {
                // Not committed: put the results back in front (a later commit may still succeed).
                lock (_gate)
                {
                    keys.AddRange(_pendingKeys);
                    log.AddRange(_pendingLog);
                    (_pendingKeys, _pendingLog, _pendingResults) = (keys, log, _pendingResults + results);
                }

                throw;
            }

            lock (_gate)
            {
                _log.AddRange(log);
            }
        }
        finally
        {
            _commitGate.Release();
        }
    }

    private static SyncKeyState Synced(string key, SyncVersion onA, SyncVersion onB) => new(key, onA, onB, SyncBase.Of(onA, onB));

    private SyncLogEntry Entry(SyncLogKind kind, string key, string message, string? related = null, SyncSide? side = null) =>
        new(options.TimeProvider.GetUtcNow(), kind, key, message, related, side);

    public void Dispose() => _commitGate.Dispose();

    internal static string Stamp(DateTimeOffset now) => now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
}
