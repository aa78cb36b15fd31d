namespace Atomiton.Storage;

/// <summary>
/// What an engine can do. Declared honestly: an operation whose flag is absent throws
/// <see cref="StorageErrorCode.UnsupportedOperation"/>; one whose flag is present works as
/// <c>docs/contract.md</c> says. The conformance kit checks both.
/// </summary>
[Flags]
public enum StorageCapabilities : long
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Load and stat.</summary>
    Read = 1 << 0,

    /// <summary>Save.</summary>
    Write = 1 << 1,

    /// <summary>Delete.</summary>
    Delete = 1 << 2,

    /// <summary>
    /// Listing by prefix: every key under the prefix exactly once, in an order the engine chooses,
    /// resumable by <see cref="StorageEntry.ContinuationToken"/>. Recursive listing needs
    /// <see cref="RecursiveList"/>, shallow listing <see cref="ShallowList"/>, ordinal order and
    /// <see cref="ListOptions.StartAfter"/> need <see cref="OrderedList"/>.
    /// </summary>
    List = 1 << 3,

    /// <summary>Shallow listing that groups deeper keys into common prefixes.</summary>
    ShallowList = 1 << 4,

    /// <summary>Ranged reads (offset/length and suffix).</summary>
    RangeRead = 1 << 5,

    /// <summary>Create-only writes (<see cref="WriteCondition.IfNotExists"/>).</summary>
    CreateOnly = 1 << 6,

    /// <summary>Writes and deletes conditional on the current ETag (<see cref="WriteCondition.IfMatch"/>).</summary>
    ConditionalWrite = 1 << 7,

    /// <summary>Loads conditional on the ETag (<see cref="ReadOptions.IfNoneMatch"/>).</summary>
    ConditionalRead = 1 << 8,

    /// <summary>User metadata round-trips.</summary>
    UserMetadata = 1 << 9,

    /// <summary>Content type round-trips.</summary>
    ContentType = 1 << 10,

    /// <summary>Copy is done by the backend, without streaming through the caller.</summary>
    NativeCopy = 1 << 11,

    /// <summary>Move is done by the backend (atomically where the backend is).</summary>
    NativeMove = 1 << 12,

    /// <summary>Keys that differ only in case name one object. Superseded by <see cref="StorageTraits.CaseInsensitiveKeys"/>: a restriction, not an ability.</summary>
    [Obsolete("Case-insensitivity is a restriction, not an ability: declare StorageTraits.CaseInsensitiveKeys (IStorageEngine.Traits). StorageEngine still reads this flag as that trait.")]
    CaseInsensitiveKeys = 1 << 13,

    /// <summary>Content persists after the process ends.</summary>
    Persistent = 1 << 14,

    /// <summary>Saves are on stable storage when they return (fsync or the backend's equivalent).</summary>
    Durable = 1 << 15,

    /// <summary>The engine reports quota used/total in <see cref="StorageLimits"/>.</summary>
    Quota = 1 << 16,

    /// <summary>
    /// A change feed: <see cref="IStorageEngine.GetChangeCursorAsync"/> and
    /// <see cref="IStorageEngine.ReadChangesAsync"/> report every change after a cursor, with tombstones.
    /// </summary>
    ChangeFeed = 1 << 17,

    /// <summary><see cref="IStorageEngine.WaitForChangesAsync"/> waits for a change (a long poll) instead of the caller polling.</summary>
    ChangeFeedWait = 1 << 18,

    /// <summary>
    /// Items from save, stat and listing carry every algorithm of <see cref="StorageInfo.HashAlgorithms"/>
    /// in <see cref="StorageItem.Hashes"/>.
    /// </summary>
    ContentHashes = 1 << 19,

    /// <summary>A save may set the object's <see cref="SaveOptions.LastModified"/>, kept to <see cref="StorageLimits.ModifiedTimePrecision"/>.</summary>
    SetLastModified = 1 << 20,

    /// <summary>Listings come in ordinal UTF-16 key order and honour <see cref="ListOptions.StartAfter"/>.</summary>
    OrderedList = 1 << 21,

    /// <summary>Recursive listing (<see cref="ListOptions.Recursive"/>, the default) of every key under a prefix.</summary>
    RecursiveList = 1 << 22,

    /// <summary>
    /// <see cref="IStorageEngine.DeleteManyAsync"/> deletes in batches of up to <see cref="StorageLimits.MaxDeleteBatch"/>
    /// keys per backend request; without it the same call deletes one key at a time.
    /// </summary>
    BatchDelete = 1 << 23,

    /// <summary>
    /// Everything a full-featured object store offers (including ordered, recursive listing), except
    /// the change feed, hashes, settable times, batch delete, durability and persistence.
    /// </summary>
    Standard = Read | Write | Delete | List | OrderedList | RecursiveList | ShallowList | RangeRead | CreateOnly
        | ConditionalWrite | ConditionalRead | UserMetadata | ContentType,
}
