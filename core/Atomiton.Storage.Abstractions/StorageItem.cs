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

    /// <summary>An empty, shared metadata dictionary.</summary>
    public static IReadOnlyDictionary<string, string> EmptyMetadata { get; } =
        new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(new Dictionary<string, string>(0, StringComparer.Ordinal));

    /// <summary>Value equality that also compares <see cref="Metadata"/> by content.</summary>
    public bool Equals(StorageItem? other) =>
        other is not null
        && Key == other.Key
        && Size == other.Size
        && Created == other.Created
        && Updated == other.Updated
        && ETag == other.ETag
        && ContentType == other.ContentType
        && Metadata.Count == other.Metadata.Count
        && Metadata.All(pair => other.Metadata.TryGetValue(pair.Key, out var value) && value == pair.Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Key, Size, ETag);
}
