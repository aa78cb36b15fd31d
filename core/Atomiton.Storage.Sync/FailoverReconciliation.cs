using Atomiton.Storage.Resilience.Failover;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync;

/// <summary>
/// Reconciles the writes a <c>failover</c> stage's secondary served while the primary was out with
/// the primary, through the sync engine: a <see cref="SyncPair"/> of the primary (side A) and the
/// secondary (side B), each diverged key re-read on both sides and planned three-way like any other
/// (edits beat deletes; two different versions keep both, the loser as a conflict copy on both sides).
/// Keys that end settled are forgotten by the stage; the others stay recorded for the next attempt.
/// See docs/sync.md ("Failover reconciliation").
/// </summary>
public static class FailoverReconciliation
{
    /// <summary>
    /// Reconciles what <paramref name="secondary"/> served. When the stage recorded every such write,
    /// only those keys are synced; when more than its 10,000 recorded keys were written, the whole
    /// pair is synced (a normal run, or a merge that deletes nothing on the pair's first run).
    /// </summary>
    /// <param name="failover">The stage (its recovery probe is given the chance to bring the primary back first).</param>
    /// <param name="secondary">The secondary member's name, as in <see cref="FailoverEngine.Members"/>.</param>
    /// <param name="state">The state store of the pair (primary, secondary); keep it between reconciliations so later ones are three-way.</param>
    /// <param name="options">Sync options; by default replica names <c>primary</c> and the secondary's name, and a tie goes to the primary.</param>
    /// <param name="progress">Progress of the sync run.</param>
    /// <param name="cancellationToken">Cancels the run (each key already done stays committed).</param>
    /// <returns>The sync run's result; <see cref="SyncStatus.Completed"/> with an empty plan when there was nothing to reconcile.</returns>
    /// <exception cref="StorageException">
    /// <see cref="StorageErrorCode.NetworkError"/> (transient) when the primary is still out of rotation: nothing
    /// was changed, retry once it is back. <see cref="StorageErrorCode.InvalidArgument"/> when no member has that name.
    /// <see cref="StorageErrorCode.Conflict"/> (transient, operation <see cref="SyncPair.RunLockOperation"/>) when another
    /// run of the same pair holds its run lock (<see cref="SyncOptions.RunLockWait"/> waits for it).
    /// </exception>
    public static async Task<SyncResult> ReconcileAsync(FailoverEngine failover, string secondary, ISyncStateStore state,
        SyncOptions? options = null, IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failover);
        ArgumentNullException.ThrowIfNull(secondary);
        ArgumentNullException.ThrowIfNull(state);
        var secondaryEngine = failover.GetMemberEngine(secondary);

        // A call through the stage runs the primary's recovery probe when it is due.
        await failover.GetInfoAsync(cancellationToken);
        var primary = failover.Members[0];
        if (!primary.IsAvailable || primary.Name == secondary)
        {
            throw new StorageException(StorageErrorCode.NetworkError,
                primary.Name == secondary
                    ? $"'{secondary}' is the failover stage's primary; name one of its secondaries ({string.Join(", ", failover.Members.Skip(1).Select(m => $"'{m.Name}'"))})."
                    : $"The failover stage's primary '{primary.Name}' is still out of rotation ({primary.LastError}); nothing was reconciled. Run again once it is back.")
            {
                IsTransient = primary.Name != secondary,
                Provider = FailoverEngine.TypeName,
                Operation = "reconcile",
            };
        }

        var divergence = failover.GetDivergence();
        var keys = divergence.KeysOf(secondary).ToList();
        divergence.UnrecordedWrites.TryGetValue(secondary, out long unrecorded);
        var pair = new SyncPair(
            new SyncEndpoint(primary.Name, failover.GetMemberEngine(primary.Name)),
            new SyncEndpoint(secondary, secondaryEngine),
            state,
            options ?? new SyncOptions { ReplicaNameA = "primary", ReplicaNameB = secondary, PrimarySide = SyncSide.A });

        SyncResult result;
        if (unrecorded > 0)
        {
            result = await pair.RunAsync(progress, cancellationToken);
        }
        else if (keys.Count > 0)
        {
            result = await pair.ReconcileKeysAsync(keys.Select(key => key.Key), progress, cancellationToken);
        }
        else
        {
            return await pair.ReconcileKeysAsync([], progress, cancellationToken);
        }

        foreach (var key in keys)
        {
            if (await state.GetAsync(key.Key, cancellationToken) is not { IsSettled: false })
            {
                failover.ForgetDivergence(key);
            }
        }

        if (unrecorded > 0 && result.Status == SyncStatus.Completed)
        {
            failover.ForgetUnrecordedWrites(secondary, unrecorded);
        }

        return result;
    }
}
