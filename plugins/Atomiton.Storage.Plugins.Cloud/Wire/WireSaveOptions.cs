namespace Atomiton.Storage.Cloud.Wire;

/// <summary>
/// The content type, user metadata, expected hashes and last-modified time of a save, sent
/// base64url-encoded in the <c>X-Atomiton-Options</c> header.
/// </summary>
internal sealed record WireSaveOptions
{
    public string? ContentType { get; init; }

    public Dictionary<string, string>? Metadata { get; init; }

    /// <summary>Hashes the content must have (algorithm → value); the served engine refuses a mismatch with Integrity and writes nothing.</summary>
    public Dictionary<string, string>? ExpectedHashes { get; init; }

    /// <summary>The content's own modification time, kept when the served engine declares SetLastModified.</summary>
    public DateTimeOffset? LastModified { get; init; }
}
