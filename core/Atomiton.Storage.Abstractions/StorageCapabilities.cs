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

    /// <summary>Recursive listing by prefix, in ordinal key order, with start-after.</summary>
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

    /// <summary>Keys that differ only in case name one object (the kit checks this declaration).</summary>
    CaseInsensitiveKeys = 1 << 13,

    /// <summary>Content persists after the process ends.</summary>
    Persistent = 1 << 14,

    /// <summary>Saves are on stable storage when they return (fsync or the backend's equivalent).</summary>
    Durable = 1 << 15,

    /// <summary>The engine reports quota used/total in <see cref="StorageLimits"/>.</summary>
    Quota = 1 << 16,

    /// <summary>Everything a full-featured engine offers, except case-insensitivity, durability and persistence.</summary>
    Standard = Read | Write | Delete | List | ShallowList | RangeRead | CreateOnly | ConditionalWrite
        | ConditionalRead | UserMetadata | ContentType,
}
