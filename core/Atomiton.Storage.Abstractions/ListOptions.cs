namespace Atomiton.Storage;

/// <summary>
/// Options of a listing. Prefixes are plain string prefixes: <c>a/b</c> matches <c>a/b/x</c> and
/// <c>a/bc/x</c>; <c>a/b/</c> matches only the first. Results come in ordinal key order on engines that
/// declare <see cref="StorageCapabilities.OrderedList"/>, and in the engine's order otherwise.
/// </summary>
public sealed record ListOptions
{
    /// <summary>Default options: every key, recursively.</summary>
    public static ListOptions Default { get; } = new();

    /// <summary>Only keys starting with this string; empty for all.</summary>
    public string Prefix { get; init; } = string.Empty;

    /// <summary>
    /// True (the default) to list every key under the prefix; false to list keys with no further
    /// <c>/</c> after the prefix plus, once each, the common prefixes (ending with <c>/</c>) of deeper keys.
    /// </summary>
    public bool Recursive { get; init; } = true;

    /// <summary>Only entries whose key (or common prefix) is ordinally greater than this; needs <see cref="StorageCapabilities.OrderedList"/>.</summary>
    public string? StartAfter { get; init; }

    /// <summary>How many entries to fetch from the backend per round trip; a hint, null for the engine's default.</summary>
    public int? PageSize { get; init; }

    /// <summary>
    /// True to ask for keys only: the engine may then leave out each object's metadata, and entries
    /// for objects come with <see cref="StorageEntry.Item"/> null (tell them from common prefixes with
    /// <see cref="StorageEntry.IsObject"/>). A hint, for listings that need names alone: an engine
    /// that keeps metadata apart from names (a file header, a request per object) skips reading it,
    /// while any engine may still return full items. Which keys and prefixes are listed, their order,
    /// and every other option are the same either way.
    /// </summary>
    public bool KeysOnly { get; init; }

    /// <summary>
    /// Resume a listing after the entry that carried this <see cref="StorageEntry.ContinuationToken"/>, with
    /// the same other options. Opaque; valid for the engine (and prefix) that issued it.
    /// </summary>
    public string? ContinuationToken { get; init; }
}
