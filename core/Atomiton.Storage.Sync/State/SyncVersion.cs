using System.Security.Cryptography;
using System.Text;

namespace Atomiton.Storage.Sync.State;

/// <summary>
/// What one side was last seen to hold at a key: its ETag (compared only with the same side's earlier
/// ETags, never across sides), size, SHA-256 when known, content type, a digest of its user metadata
/// and the engine's write time (used only to pick which conflicting version keeps the key).
/// </summary>
/// <param name="ETag">The side's ETag for this version.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Sha256">Lowercase hexadecimal SHA-256 of the content, or null when the side does not report it.</param>
/// <param name="ContentType">The content type, or null.</param>
/// <param name="MetadataDigest">A digest of the user metadata (empty string when there is none).</param>
/// <param name="Updated">The engine's write time of this version.</param>
public sealed record SyncVersion(string ETag, long Size, string? Sha256, string? ContentType, string MetadataDigest, DateTimeOffset Updated)
{
    /// <summary>The version a storage item describes.</summary>
    /// <param name="item">A stat, listing, save or change-feed item.</param>
    /// <param name="sha256">The SHA-256 measured while copying, when the item carries none.</param>
    public static SyncVersion From(StorageItem item, string? sha256 = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        string? hash = item.Hashes.TryGetValue(StorageHashAlgorithms.Sha256, out var value) ? value.ToLowerInvariant() : sha256;
        return new SyncVersion(item.ETag, item.Size, hash, item.ContentType, DigestOf(item.Metadata), item.Updated);
    }

    /// <summary>
    /// Whether this version and <paramref name="other"/> hold the same content, content type and metadata.
    /// False when either SHA-256 is unknown: a copy is safe, a wrong "equal" is not.
    /// </summary>
    public bool SameContentAs(SyncVersion? other) =>
        other is not null && Sha256 is not null && other.Sha256 is not null
        && Size == other.Size
        && string.Equals(Sha256, other.Sha256, StringComparison.OrdinalIgnoreCase)
        && ContentType == other.ContentType
        && MetadataDigest == other.MetadataDigest;

    /// <summary>Whether this version holds the content recorded in <paramref name="synced"/>.</summary>
    public bool SameContentAs(SyncBase synced)
    {
        ArgumentNullException.ThrowIfNull(synced);
        return Sha256 is not null && synced.Sha256 is not null && Size == synced.Size
            && string.Equals(Sha256, synced.Sha256, StringComparison.OrdinalIgnoreCase)
            && ContentType == synced.ContentType && MetadataDigest == synced.MetadataDigest;
    }

    /// <summary>A short, stable digest of user metadata (empty string for none).</summary>
    public static string DigestOf(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var pair in metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append(pair.Key).Append('\u0001').Append(pair.Value).Append('\u0002');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
