namespace Atomiton.Storage.Sync.State;

/// <summary>
/// Where a sync pair keeps its state: per key the last observation of each side and the synced
/// base, plus the pair record (identities, cursors) and a log. One store per pair.
/// Implementations: <see cref="MemorySyncStateStore"/> (tests), <c>SqliteSyncStateStore</c>
/// (desktop and server; package Atomiton.Storage.Sync.Sqlite) and <c>IndexedDbSyncStateStore</c> (the browser;
/// package Atomiton.Storage.Plugins.Browser).
/// </summary>
/// <remarks>
/// Rules an implementation keeps: <see cref="CommitAsync"/> is atomic and durable when it returns;
/// reads stream (never the whole state in memory); <see cref="ReadAllAsync"/> is in ordinal key
/// order (<see cref="string.CompareOrdinal(string, string)"/>). Calls that change state come from
/// one run at a time: the run that holds the run lock (<see cref="TryAcquireRunLockAsync"/>), which an
/// implementation keeps where every process and instance on the same state sees it (a row of the SQLite
/// file, a record of the IndexedDB database), not in the instance.
/// </remarks>
public interface ISyncStateStore : IAsyncDisposable
{
    /// <summary>The pair record, or null before the first run.</summary>
    ValueTask<SyncPairState?> GetPairAsync(CancellationToken cancellationToken = default);

    /// <summary>The state of <paramref name="key"/>, or null when the store keeps none.</summary>
    ValueTask<SyncKeyState?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every key state whose key starts with <paramref name="prefix"/>, in ordinal key order, streamed.</summary>
    IAsyncEnumerable<SyncKeyState> ReadAllAsync(string prefix = "", CancellationToken cancellationToken = default);

    /// <summary>Every key state with work left (<see cref="SyncKeyState.IsSettled"/> false), streamed.</summary>
    IAsyncEnumerable<SyncKeyState> ReadUnsettledAsync(CancellationToken cancellationToken = default);

    /// <summary>How many keys are synced, present on each side and unsettled.</summary>
    ValueTask<SyncStateCounts> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies <paramref name="commit"/> atomically and durably.</summary>
    ValueTask CommitAsync(SyncStateCommit commit, CancellationToken cancellationToken = default);

    /// <summary>The log, oldest first, streamed.</summary>
    IAsyncEnumerable<SyncLogEntry> ReadLogAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the pair's run lock for <paramref name="candidate"/> when nobody holds it, when its holder's
    /// lease ran out at <paramref name="now"/> (then <see cref="SyncRunLockAttempt.TakenOver"/> is that
    /// holder), or when <paramref name="candidate"/>'s owner already holds it. Otherwise changes nothing
    /// and returns the holder. Atomic against every other caller on the same state (other instances,
    /// other processes): two callers never both acquire.
    /// </summary>
    ValueTask<SyncRunLockAttempt> TryAcquireRunLockAsync(SyncRunLock candidate, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Moves the lease of <paramref name="owner"/> to <paramref name="expires"/>; false (changing nothing) when <paramref name="owner"/> no longer holds the lock (it was taken over).</summary>
    ValueTask<bool> RenewRunLockAsync(string owner, DateTimeOffset expires, CancellationToken cancellationToken = default);

    /// <summary>Releases the lock when <paramref name="owner"/> holds it; nothing otherwise.</summary>
    ValueTask ReleaseRunLockAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>The run lock as stored (its lease may have run out), or null when nobody holds it.</summary>
    ValueTask<SyncRunLock?> GetRunLockAsync(CancellationToken cancellationToken = default);

    /// <summary>Forgets every key state and the pair record (the log stays): the next run is a first run, a merge that deletes nothing. The run lock stays as it is.</summary>
    ValueTask ResetAsync(CancellationToken cancellationToken = default);
}
