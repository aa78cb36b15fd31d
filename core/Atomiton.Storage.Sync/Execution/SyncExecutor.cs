using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Atomiton.Storage.Sync.Conflicts;
using Atomiton.Storage.Sync.Planning;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Execution;

/// <summary>
/// Applies a plan one action at a time, copies before deletes (the plan's order). Every mutation
/// carries the observed version; a failed precondition (Conflict, or NotFound of a planned source)
/// re-observes that key on both sides and re-plans it, up to <see cref="SyncOptions.MaxAttemptsPerKey"/>.
/// Each key's result is committed to the state store as soon as it is done; a failure records nothing.
/// </summary>
internal sealed partial class SyncExecutor(
    SyncEndpoint a, SyncEndpoint b, ISyncStateStore store, SyncOptions options, SyncMode mode, string runStamp, IProgress<SyncProgress>? progress)
{
    private readonly List<SyncLogEntry> _log = [];

    public IReadOnlyList<SyncLogEntry> Log => _log;

    public int Applied { get; private set; }

    public int Replanned { get; private set; }

    public int TransientFailures { get; private set; }

    public int PermanentFailures { get; private set; }

    public int Unresolved { get; private set; }

    public int Collisions { get; private set; }

    public bool TrashWritten { get; private set; }

    public async Task ExecuteAsync(IReadOnlyList<SyncAction> actions, CancellationToken cancellationToken)
    {
        int done = 0;
        foreach (var action in actions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await RunAsync(action, 1, cancellationToken);
            progress?.Report(new SyncProgress("apply", ++done, actions.Count, action.Key));
        }
    }

    private IStorageEngine Engine(SyncSide side) => side == SyncSide.A ? a.Engine : b.Engine;

    private async Task RunAsync(SyncAction action, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyAsync(action, cancellationToken);
            Applied += action.Kind is SyncActionKind.Skip ? 0 : 1;
        }
        catch (StorageException e) when (e.Code is StorageErrorCode.Conflict or StorageErrorCode.NotFound)
        {
            Replanned++;
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
        if (transient)
        {
            TransientFailures++;
        }
        else
        {
            PermanentFailures++;
        }

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
        Unresolved += conflict ? 1 : 0;
        Collisions += conflict ? 0 : 1;
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

    private async Task CommitAsync(IReadOnlyList<SyncKeyState> keys, IReadOnlyList<SyncLogEntry> log, CancellationToken cancellationToken)
    {
        await store.CommitAsync(new SyncStateCommit { Keys = keys, Log = log }, cancellationToken);
        _log.AddRange(log);
    }

    private static SyncKeyState Synced(string key, SyncVersion onA, SyncVersion onB) => new(key, onA, onB, SyncBase.Of(onA, onB));

    private SyncLogEntry Entry(SyncLogKind kind, string key, string message, string? related = null, SyncSide? side = null) =>
        new(options.TimeProvider.GetUtcNow(), kind, key, message, related, side);

    internal static string Stamp(DateTimeOffset now) => now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
}
