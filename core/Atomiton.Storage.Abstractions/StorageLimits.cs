namespace Atomiton.Storage;

/// <summary>Limits and usage an engine reports through <see cref="StorageInfo"/>; null means unknown or unlimited.</summary>
public sealed record StorageLimits
{
    /// <summary>The largest object the engine accepts, in bytes.</summary>
    public long? MaxObjectSize { get; init; }

    /// <summary>The most objects the engine holds.</summary>
    public long? MaxItems { get; init; }

    /// <summary>Bytes used.</summary>
    public long? QuotaUsed { get; init; }

    /// <summary>Bytes available in all.</summary>
    public long? QuotaTotal { get; init; }

    /// <summary>How finely <see cref="SaveOptions.LastModified"/> is kept (one second, one millisecond…); null when not kept.</summary>
    public TimeSpan? ModifiedTimePrecision { get; init; }

    /// <summary>The most keys one backend request of <see cref="IStorageEngine.DeleteManyAsync"/> deletes.</summary>
    public int? MaxDeleteBatch { get; init; }

    /// <summary>The most user-metadata entries an object can carry (the contract's own limits apply when null).</summary>
    public int? MaxMetadataEntries { get; init; }

    /// <summary>The most UTF-8 bytes of one user-metadata entry, name and value together.</summary>
    public int? MaxMetadataEntryBytes { get; init; }

    /// <summary>The most UTF-8 bytes of all user metadata of one object.</summary>
    public int? MaxMetadataBytes { get; init; }

    /// <summary>How long the change feed keeps changes (tombstones included); a cursor older than that is <see cref="StorageErrorCode.CursorExpired"/>.</summary>
    public TimeSpan? ChangeRetention { get; init; }

    /// <summary>No known limits.</summary>
    public static StorageLimits None { get; } = new();
}
