namespace Atomiton.Storage;

/// <summary>
/// The names of content-hash algorithms, in one place. Values in <see cref="StorageItem.Hashes"/>
/// are lowercase hexadecimal, except <see cref="QuickXor"/>, which is base64 as Microsoft Graph gives it.
/// <see cref="StorageContentHash"/> computes each of them.
/// </summary>
public static class StorageHashAlgorithms
{
    /// <summary>SHA-256 of the content (memory, filesystem, Atomiton Cloud, Google Drive).</summary>
    public const string Sha256 = "sha256";

    /// <summary>SHA-1 of the content (Google Drive, OneDrive for Business).</summary>
    public const string Sha1 = "sha1";

    /// <summary>MD5 of the content (Google Drive, Azure Blob Storage).</summary>
    public const string Md5 = "md5";

    /// <summary>Dropbox's content hash: SHA-256 of the concatenated SHA-256 digests of each 4 MiB block.</summary>
    public const string Dropbox = "dropbox";

    /// <summary>Microsoft's QuickXorHash (OneDrive), as base64.</summary>
    public const string QuickXor = "quickxor";

    /// <summary>Every algorithm this contract can compute, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = [Sha256, Sha1, Md5, Dropbox, QuickXor];

    /// <summary>Whether <paramref name="algorithm"/> is one of <see cref="All"/> (names are lowercase, compared ordinally).</summary>
    public static bool IsKnown(string algorithm) => All.Contains(algorithm, StringComparer.Ordinal);
}
