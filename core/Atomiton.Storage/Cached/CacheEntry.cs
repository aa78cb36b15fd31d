namespace Atomiton.Storage.Cached;

/// <summary>One cached object (metadata and content) or one remembered NotFound (<see cref="Item"/> null). Immutable.</summary>
internal sealed class CacheEntry(StorageItem? item, byte[] content, DateTimeOffset expiresAt)
{
    public StorageItem? Item { get; } = item;

    public byte[] Content { get; } = content;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public long Weight => Content.LongLength;

    public bool IsNotFound => Item is null;

    public CacheEntry Renewed(DateTimeOffset expiresAt) => new(Item, Content, expiresAt);
}
