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
        Hashes = item.Hashes.Count == 0 ? null : item.Hashes,
        LastModified = item.LastModified,
    };

    /// <summary>This item (stored with its whole engine key) as a caller of <paramref name="tenantPrefix"/> sees it.</summary>
    public WireItem ForTenant(string tenantPrefix) => tenantPrefix.Length == 0 ? this : this with { Key = Key[tenantPrefix.Length..] };
}
