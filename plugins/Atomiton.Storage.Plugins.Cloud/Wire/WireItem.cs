namespace Atomiton.Storage.Plugins.Cloud.Wire;

/// <summary>An object's metadata as the server sends it (JSON).</summary>
internal sealed record WireItem
{
    public required string Key { get; init; }

    public required long Size { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Updated { get; init; }

    public required string Etag { get; init; }

    public string? ContentType { get; init; }

    public Dictionary<string, string>? Metadata { get; init; }

    public StorageItem ToItem() => new()
    {
        Key = Key,
        Size = Size,
        Created = Created,
        Updated = Updated,
        ETag = Etag,
        ContentType = ContentType,
        Metadata = StorageMetadata.Freeze(Metadata),
    };
}
