namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary>An object's metadata on the wire (JSON), with the key relative to the caller's tenant.</summary>
internal sealed record WireItem
{
    public required string Key { get; init; }

    public required long Size { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Updated { get; init; }

    public required string Etag { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = StorageItem.EmptyMetadata;

    public static WireItem From(StorageItem item, string tenantPrefix) => new()
    {
        Key = item.Key[tenantPrefix.Length..],
        Size = item.Size,
        Created = item.Created,
        Updated = item.Updated,
        Etag = item.ETag,
        ContentType = item.ContentType,
        Metadata = item.Metadata,
    };
}
