namespace Atomiton.Storage.Cloud.Wire;

/// <summary>The server's side of <see cref="WireItem"/>: an engine's item seen from inside the caller's tenant.</summary>
internal sealed partial record WireItem
{
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
