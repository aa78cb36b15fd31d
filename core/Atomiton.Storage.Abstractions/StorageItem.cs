namespace Atomiton.Storage;

/// <summary>
/// What an engine knows about one stored object. Returned by save, stat and listing; the item
/// returned by a save equals a following stat.
/// </summary>
public sealed record StorageItem
{
    /// <summary>The object's key.</summary>
    public required string Key { get; init; }

    /// <summary>The content length in bytes (plaintext bytes for wrappers that transform content).</summary>
    public required long Size { get; init; }

    /// <summary>When the key was first created (kept across overwrites where the backend can).</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>When the content was last written. Never earlier than a previous write's time.</summary>
    public required DateTimeOffset Updated { get; init; }

    /// <summary>An opaque version tag that changes on every write, even one of identical content.</summary>
    public required string ETag { get; init; }

    /// <summary>The content type given at save time, or null.</summary>
    public string? ContentType { get; init; }

    /// <summary>The user metadata given at save time (replaced as a whole on every save).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    /// <summary>
    /// Content hashes, algorithm (<see cref="StorageHashAlgorithms"/>) → value. Engines declaring
    /// <see cref="StorageCapabilities.ContentHashes"/> include every algorithm of
    /// <see cref="StorageInfo.HashAlgorithms"/>; others may include some or none.
    /// </summary>
    public IReadOnlyDictionary<string, string> Hashes { get; init; } = EmptyMetadata;

    /// <summary>
    /// The modification time the client gave with <see cref="SaveOptions.LastModified"/> (the content's own
    /// time, such as a file's mtime), kept to <see cref="StorageLimits.ModifiedTimePrecision"/>; null when none
    /// was given or the engine cannot keep it. Separate from <see cref="Updated"/>, the engine's write time.
    /// </summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>The backend's stable id for the object (a Drive file id, a Graph item id), or null when it has none.</summary>
    public string? ItemId { get; init; }

    /// <summary>An empty, shared metadata dictionary.</summary>
    public static IReadOnlyDictionary<string, string> EmptyMetadata { get; } =
        new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(new Dictionary<string, string>(0, StringComparer.Ordinal));

    /// <summary>Value equality that also compares <see cref="Metadata"/> and <see cref="Hashes"/> by content.</summary>
    public bool Equals(StorageItem? other) =>
        other is not null
        && Key == other.Key
        && Size == other.Size
        && Created == other.Created
        && Updated == other.Updated
        && ETag == other.ETag
        && ContentType == other.ContentType
        && Metadata.Count == other.Metadata.Count
        && LastModified == other.LastModified
        && ItemId == other.ItemId
        && SameEntries(Metadata, other.Metadata)
        && SameEntries(Hashes, other.Hashes);

    private static bool SameEntries(IReadOnlyDictionary<string, string> left, IReadOnlyDictionary<string, string> right) =>
        ReferenceEquals(left, right)
        || (left.Count == right.Count && left.All(pair => right.TryGetValue(pair.Key, out var value) && value == pair.Value));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Key, Size, ETag);
}
