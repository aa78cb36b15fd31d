namespace Atomiton.Storage;

/// <summary>What happened to a key, as a change feed reports it.</summary>
public enum StorageChangeKind
{
    /// <summary>The key was created or overwritten; <see cref="StorageChange.Item"/> is its latest known state.</summary>
    Upserted = 0,

    /// <summary>The key was deleted (a tombstone); <see cref="StorageChange.Item"/> is null.</summary>
    Deleted,

    /// <summary>The object moved from <see cref="StorageChange.PreviousKey"/> to <see cref="StorageChange.Key"/>, on engines that know moves.</summary>
    Moved,
}

/// <summary>
/// One entry of a change feed. Feeds are at-least-once and latest-state: a key changed after a
/// cursor appears (possibly more than once) with its latest state, not every intermediate version;
/// within one page, a later entry for a key supersedes an earlier one.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Key">The key changed (for a move, the new key).</param>
/// <param name="Item">The key's latest known metadata for <see cref="StorageChangeKind.Upserted"/> and <see cref="StorageChangeKind.Moved"/>; null for a delete.</param>
/// <param name="PreviousKey">For <see cref="StorageChangeKind.Moved"/>, the key the object had before.</param>
public sealed record StorageChange(StorageChangeKind Kind, string Key, StorageItem? Item = null, string? PreviousKey = null);

/// <summary>One page of a change feed.</summary>
public sealed record StorageChangePage
{
    /// <summary>The changes after the cursor that was read, oldest first.</summary>
    public required IReadOnlyList<StorageChange> Changes { get; init; }

    /// <summary>
    /// An opaque cursor after these changes; persist it together with what was derived from them,
    /// and pass it to <see cref="IStorageEngine.ReadChangesAsync"/> to continue. Survives process restarts.
    /// </summary>
    public required string Cursor { get; init; }

    /// <summary>True when more changes are already waiting after <see cref="Cursor"/>.</summary>
    public bool HasMore { get; init; }
}

/// <summary>Options of <see cref="IStorageEngine.ReadChangesAsync"/>.</summary>
public sealed record ChangeReadOptions
{
    /// <summary>Default options: the engine's page size.</summary>
    public static ChangeReadOptions Default { get; } = new();

    /// <summary>The most changes to return in one page; a hint, null for the engine's default.</summary>
    public int? PageSize { get; init; }
}

/// <summary>For <see cref="StorageErrorCode.CursorExpired"/>: whether what a caller derived from earlier changes still holds.</summary>
public enum ChangeCursorTrust
{
    /// <summary>Changes were merely forgotten (retention passed): the caller's state is a valid history; enumerate again and compare.</summary>
    Trusted = 0,

    /// <summary>The store may have gone back in time or been replaced (a new epoch): do not trust what was derived from it.</summary>
    Untrusted,
}
