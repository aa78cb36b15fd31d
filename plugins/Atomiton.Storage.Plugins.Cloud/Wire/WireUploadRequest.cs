namespace Atomiton.Storage.Cloud.Wire;

/// <summary>The body of <c>POST /v1/uploads</c>: what the committed object will be.</summary>
internal sealed record WireUploadRequest
{
    public string? Key { get; init; }

    public string? ContentType { get; init; }

    public Dictionary<string, string>? Metadata { get; init; }

    /// <summary>The total length, when known; the commit fails if the uploaded bytes differ.</summary>
    public long? Length { get; init; }

    /// <summary>Commit only if the object has this ETag.</summary>
    public string? IfMatch { get; init; }

    /// <summary>True to commit only if the key does not exist.</summary>
    public bool IfNotExists { get; init; }

    /// <summary>Hashes the assembled content must have; checked by the served engine at the commit.</summary>
    public Dictionary<string, string>? ExpectedHashes { get; init; }

    /// <summary>The content's own modification time, kept when the served engine declares SetLastModified.</summary>
    public DateTimeOffset? LastModified { get; init; }
}
