namespace Atomiton.Storage;

/// <summary>
/// Restrictions of an engine, as opposed to its abilities (<see cref="StorageCapabilities"/>). A
/// composite stage over several members combines abilities with AND (it can do what every member
/// can) and traits with OR (it is restricted wherever any member is), so a mirror over one
/// case-folding member is itself case-insensitive. The semantics of each are in <c>docs/contract.md</c>
/// and checked by the conformance kit.
/// </summary>
[Flags]
public enum StorageTraits : long
{
    /// <summary>No restriction: an object store with the contract's default semantics.</summary>
    None = 0,

    /// <summary>
    /// Keys that differ only in case name one object. The spelling of the first save is kept until
    /// the object is deleted; <see cref="ListOptions.Prefix"/> and <see cref="ListOptions.StartAfter"/>
    /// compare ordinally against the kept spelling.
    /// </summary>
    CaseInsensitiveKeys = 1 << 0,

    /// <summary>
    /// The backend may hold several objects under one key (Google Drive allows several files of one
    /// name in a folder). Reads resolve to the most recently modified one (ties: the smallest item id);
    /// operations that cannot apply that rule throw <see cref="StorageErrorCode.AmbiguousKey"/>.
    /// </summary>
    DuplicateNames = 1 << 1,

    /// <summary>Listings come in the backend's order, not ordinal order (the engine does not declare <see cref="StorageCapabilities.OrderedList"/>).</summary>
    UnorderedListing = 1 << 2,

    /// <summary>A write may take a while to show in listings, the change feed or reads from other clients.</summary>
    EventuallyConsistent = 1 << 3,

    /// <summary>Writing bytes identical to the stored ones writes nothing and keeps the ETag (Dropbox).</summary>
    IdenticalWriteKeepsETag = 1 << 4,
}
