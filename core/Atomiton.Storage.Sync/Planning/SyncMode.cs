namespace Atomiton.Storage.Sync.Planning;

/// <summary>How deletions are treated in a run.</summary>
public enum SyncMode
{
    /// <summary>Deletions on one side propagate to the other (three-way against the base).</summary>
    Normal = 0,

    /// <summary>
    /// A merge that propagates no deletion: a key missing on one side is copied back. Used for the
    /// first run, <c>sync rebaseline</c>, and after an untrusted (or expired and unverifiable) cursor.
    /// </summary>
    Merge,
}
