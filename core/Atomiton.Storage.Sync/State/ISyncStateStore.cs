namespace Atomiton.Storage.Sync.State;

/// <summary>
/// Where a sync pair keeps its state: per key the last observation of each side and the synced
/// base, plus the pair record (identities, cursors) and a log. One store per pair.
/// Implementations: <see cref="MemorySyncStateStore"/> (tests), <see cref="SqliteSyncStateStore"/>
/// (desktop and server), and the browser's IndexedDB store.
/// </summary>
/// <remarks>
/// Rules an implementation keeps: <see cref="CommitAsync"/> is atomic and durable when it returns;
/// reads stream (never the whole state in memory); <see cref="ReadAllAsync"/> is in ordinal key
/// order (<see cref="string.CompareOrdinal(string, string)"/>). Calls come from one run at a time.
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

    /// <summary>Forgets every key state and the pair record (the log stays): the next run is a first run, a merge that deletes nothing.</summary>
    ValueTask ResetAsync(CancellationToken cancellationToken = default);
}
