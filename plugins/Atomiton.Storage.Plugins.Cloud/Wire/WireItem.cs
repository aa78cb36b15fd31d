namespace Atomiton.Storage.Cloud.Wire;

/// <summary>
/// An object's metadata on the wire (JSON), with the key relative to the caller's tenant. Shared by
/// the server (which builds it from a <see cref="StorageItem"/>) and the <c>cloud</c> plugin (which
/// turns it back into one); each side adds its conversion in a partial file of its own.
/// </summary>
internal sealed partial record WireItem
{
    public required string Key { get; init; }

    public required long Size { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Updated { get; init; }

    public required string Etag { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The content hashes the served engine reports (algorithm → value), as it reports them; omitted when none.</summary>
    public IReadOnlyDictionary<string, string>? Hashes { get; init; }

    /// <summary>The client-given modification time the served engine keeps, or null.</summary>
    public DateTimeOffset? LastModified { get; init; }
}
