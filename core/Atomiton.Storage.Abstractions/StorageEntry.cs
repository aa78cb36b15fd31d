namespace Atomiton.Storage;

/// <summary>
/// One result of a listing: either an object (<see cref="Item"/> set) or, in a shallow listing, a
/// common prefix ending with <c>/</c> that stands for a "folder" of deeper keys.
/// </summary>
/// <param name="Key">The object's key, or the common prefix (ending with <c>/</c>).</param>
/// <param name="Item">The object's metadata; null for a common prefix.</param>
public sealed record StorageEntry(string Key, StorageItem? Item)
{
    /// <summary>True when this entry is a common prefix rather than an object.</summary>
    public bool IsPrefix => Item is null;

    /// <summary>An entry for an object.</summary>
    public static StorageEntry ForItem(StorageItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new StorageEntry(item.Key, item);
    }

    /// <summary>An entry for a common prefix.</summary>
    public static StorageEntry ForPrefix(string prefix) => new(prefix, null);
}
