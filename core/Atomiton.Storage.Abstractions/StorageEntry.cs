namespace Atomiton.Storage;

/// <summary>
/// One result of a listing: an object, or, in a shallow listing, a common prefix that stands for a
/// "folder" of deeper keys. Object keys never end with <c>/</c> (the key grammar forbids it); common
/// prefixes always do, so the key alone tells which is which.
/// </summary>
/// <param name="Key">The object's key, or the common prefix (ending with <c>/</c>).</param>
/// <param name="Item">
/// The object's metadata; null for a common prefix, and may be null for an object listed with
/// <see cref="ListOptions.KeysOnly"/>.
/// </param>
public sealed record StorageEntry(string Key, StorageItem? Item)
{
    /// <summary>
    /// An opaque point to resume the listing just after this entry (<see cref="ListOptions.ContinuationToken"/>).
    /// Null on engines that list in order (<see cref="StorageCapabilities.OrderedList"/>) and resume by key:
    /// then the entry's <see cref="Key"/> is its resume point. Use <see cref="ResumePoint"/> to get either.
    /// </summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Where to resume after this entry: its <see cref="ContinuationToken"/>, or its key when the engine resumes by key.</summary>
    public string ResumePoint => ContinuationToken ?? Key;

    /// <summary>True when this entry is a common prefix (its key ends with <c>/</c>) rather than an object.</summary>
    public bool IsPrefix => Key is { Length: > 0 } key && key[^1] == StorageKey.Separator;

    /// <summary>True when this entry is an object; its <see cref="Item"/> is set unless the listing was keys-only.</summary>
    public bool IsObject => !IsPrefix;

    /// <summary>An entry for an object, with its metadata.</summary>
    public static StorageEntry ForItem(StorageItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new StorageEntry(item.Key, item);
    }

    /// <summary>An entry for an object listed without its metadata (<see cref="ListOptions.KeysOnly"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or ends with <c>/</c> (that is a common prefix).</exception>
    public static StorageEntry ForKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key[^1] == StorageKey.Separator)
        {
            throw new ArgumentException($"'{key}' ends with '/': it is a common prefix, not an object key. Use ForPrefix.", nameof(key));
        }

        return new StorageEntry(key, null);
    }

    /// <summary>An entry for a common prefix.</summary>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> does not end with <c>/</c>.</exception>
    public static StorageEntry ForPrefix(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (prefix[^1] != StorageKey.Separator)
        {
            throw new ArgumentException($"A common prefix ends with '/'; '{prefix}' does not. Use ForKey or ForItem for an object.", nameof(prefix));
        }

        return new StorageEntry(prefix, null);
    }
}
