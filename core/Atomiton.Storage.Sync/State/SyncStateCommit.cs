namespace Atomiton.Storage.Sync.State;

/// <summary>
/// One atomic change to a pair's state: key states to write (an <see cref="SyncKeyState.IsEmpty"/>
/// state removes the key), the pair record (cursors) and log lines. A store applies all of it or
/// none of it, so a cursor is never saved without the observations it delivered and a key is never
/// recorded as synced without its transfer.
/// </summary>
public sealed record SyncStateCommit
{
    /// <summary>Key states to write; empty ones are removed.</summary>
    public IReadOnlyList<SyncKeyState> Keys { get; init; } = [];

    /// <summary>The pair record to write, or null to leave it.</summary>
    public SyncPairState? Pair { get; init; }

    /// <summary>Log lines to append.</summary>
    public IReadOnlyList<SyncLogEntry> Log { get; init; } = [];
}
