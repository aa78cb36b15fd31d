namespace Atomiton.Storage;

/// <summary>
/// An open object: its metadata and a stream of its content (or of the requested range). Dispose
/// it to release the stream; reading part of it and disposing changes nothing.
/// </summary>
public sealed class StorageReadResult : IAsyncDisposable, IDisposable
{
    /// <summary>Wraps an open object.</summary>
    /// <param name="item">The object's metadata (the whole object's size, not the range's).</param>
    /// <param name="content">The content or range; owned by this result.</param>
    /// <param name="notModified">True when an if-none-match condition matched and <paramref name="content"/> is empty.</param>
    public StorageReadResult(StorageItem item, Stream content, bool notModified = false)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(content);
        Item = item;
        Content = content;
        NotModified = notModified;
    }

    /// <summary>The object's metadata.</summary>
    public StorageItem Item { get; }

    /// <summary>The content, or the requested range of it.</summary>
    public Stream Content { get; }

    /// <summary>True when <see cref="ReadOptions.IfNoneMatch"/> matched: the caller's copy is current and no content follows.</summary>
    public bool NotModified { get; }

    /// <summary>A not-modified result for <paramref name="item"/>.</summary>
    public static StorageReadResult ForNotModified(StorageItem item) => new(item, Stream.Null, notModified: true);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Content.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => Content.Dispose();
}
