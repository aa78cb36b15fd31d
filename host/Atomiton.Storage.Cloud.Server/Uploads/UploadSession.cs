namespace Atomiton.Storage.Cloud.Server.Uploads;

/// <summary>An upload session as saved beside its bytes (<c>&lt;id&gt;.json</c> next to <c>&lt;id&gt;.part</c>).</summary>
internal sealed record UploadSession
{
    public required string Id { get; init; }

    /// <summary>The tenant that created it; any other tenant is told it does not exist.</summary>
    public required string TenantPrefix { get; init; }

    /// <summary>The key relative to the tenant.</summary>
    public required string Key { get; init; }

    public string? ContentType { get; init; }

    public Dictionary<string, string>? Metadata { get; init; }

    public long? Length { get; init; }

    public string? IfMatch { get; init; }

    public bool IfNotExists { get; init; }

    /// <summary>Hashes the assembled content must have; the served engine checks them at the commit.</summary>
    public Dictionary<string, string>? ExpectedHashes { get; init; }

    /// <summary>The content's own modification time, for engines that keep one.</summary>
    public DateTimeOffset? LastModified { get; init; }

    public required DateTimeOffset Created { get; init; }

    public string EngineKey => TenantPrefix + Key;
}
