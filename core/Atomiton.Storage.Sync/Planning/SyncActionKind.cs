namespace Atomiton.Storage.Sync.Planning;

/// <summary>What a planned <see cref="SyncAction"/> does.</summary>
public enum SyncActionKind
{
    /// <summary>Copy the source side's version over the target (if-match the target's observed ETag) or create it (create-only).</summary>
    Copy = 0,

    /// <summary>Delete the target's version (if-match), after saving it to the target's trash; the source side deleted the key.</summary>
    Delete,

    /// <summary>Move <see cref="SyncAction.PreviousKey"/> to the key on the target (the source side renamed it; also a case-only rename).</summary>
    Move,

    /// <summary>Resolve two different versions by the conflict policy.</summary>
    Conflict,

    /// <summary>Both sides hold the same content: record it as synced, no transfer.</summary>
    Record,

    /// <summary>Both sides deleted the key: forget its base, no transfer.</summary>
    Forget,

    /// <summary>Nothing is done; the reason says why and what to do (collision, unrepresentable key, skipped conflict).</summary>
    Skip,
}
