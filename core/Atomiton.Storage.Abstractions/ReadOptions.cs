namespace Atomiton.Storage;

/// <summary>Options of a load.</summary>
public sealed record ReadOptions
{
    /// <summary>Default options: the whole object, unconditionally.</summary>
    public static ReadOptions Default { get; } = new();

    /// <summary>Only these bytes; null for the whole object.</summary>
    public ByteRange? Range { get; init; }

    /// <summary>
    /// When the object's current ETag equals this, the load returns
    /// <see cref="StorageReadResult.NotModified"/> without content.
    /// </summary>
    public string? IfNoneMatch { get; init; }

    /// <summary>
    /// Read exactly this version: when the object's ETag differs (or it is missing), the load throws
    /// <see cref="StorageErrorCode.Conflict"/> (or NotFound) instead of returning other content. Works on every engine.
    /// </summary>
    public string? IfMatch { get; init; }

    /// <summary>Receives the bytes read from the returned content so far.</summary>
    public IProgress<StorageProgress>? Progress { get; init; }
}
