namespace Atomiton.Storage;

/// <summary>A key that named several objects, as <see cref="IStorageDeduplicator.DedupeAsync"/> reports it.</summary>
public sealed class StorageDuplicateSet
{
    /// <summary>The key.</summary>
    public required string Key { get; init; }

    /// <summary>The object that stays: the one reads of <see cref="Key"/> return.</summary>
    public required StorageItem Kept { get; init; }

    /// <summary>How many other objects of the key were deleted (in a dry run: would be deleted).</summary>
    public required int Removed { get; init; }
}
