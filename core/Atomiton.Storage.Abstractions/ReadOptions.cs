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
}
