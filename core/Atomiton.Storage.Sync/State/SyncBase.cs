namespace Atomiton.Storage.Sync.State;

/// <summary>
/// The synced base of a key: the last version known to be equal on both sides, with the ETag each
/// side returned for it. A side whose current ETag still equals its base ETag has not changed.
/// </summary>
/// <param name="ETagA">Side A's ETag of the synced version.</param>
/// <param name="ETagB">Side B's ETag of the synced version.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Sha256">SHA-256 of the synced content (measured while copying when the engines report none), or null.</param>
/// <param name="ContentType">The synced content type.</param>
/// <param name="MetadataDigest">Digest of the synced user metadata.</param>
public sealed record SyncBase(string ETagA, string ETagB, long Size, string? Sha256, string? ContentType, string MetadataDigest)
{
    /// <summary>The base ETag of <paramref name="side"/>.</summary>
    public string ETagOf(SyncSide side) => side == SyncSide.A ? ETagA : ETagB;

    /// <summary>The base recording that side A holds <paramref name="a"/> and side B <paramref name="b"/>, the same content.</summary>
    public static SyncBase Of(SyncVersion a, SyncVersion b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new SyncBase(a.ETag, b.ETag, a.Size, a.Sha256 ?? b.Sha256, a.ContentType, a.MetadataDigest);
    }
}
