namespace Atomiton.Storage;

/// <summary>Options of a save. A save replaces content, content type and user metadata as a whole.</summary>
public sealed record SaveOptions
{
    /// <summary>Default options: unconditional, no content type, no metadata.</summary>
    public static SaveOptions Default { get; } = new();

    /// <summary>A precondition; a failed one throws Conflict and changes nothing.</summary>
    public WriteCondition Condition { get; init; }

    /// <summary>The content type to store, such as <c>application/json</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>User metadata to store; see <see cref="StorageMetadata"/> for the rules on names and values.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>
    /// The exact number of bytes the source will yield, when known. A source that ends early or
    /// runs long fails the save with nothing written.
    /// </summary>
    public long? ExpectedLength { get; init; }

    /// <summary>
    /// Hashes the content must have, algorithm (<see cref="StorageHashAlgorithms"/>) → value. The content is
    /// hashed as it streams; a mismatch fails the save with <see cref="StorageErrorCode.Integrity"/> and
    /// nothing written. Works on every engine (it needs no capability); an unknown algorithm is InvalidArgument.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ExpectedHashes { get; init; }

    /// <summary>
    /// The content's own modification time to keep with the object (<see cref="StorageItem.LastModified"/>);
    /// needs <see cref="StorageCapabilities.SetLastModified"/>.
    /// </summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>Receives the bytes read from the content so far; reported by the engine that moves them.</summary>
    public IProgress<StorageProgress>? Progress { get; init; }
}
