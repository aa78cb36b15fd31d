namespace Atomiton.Storage.Cloud.Wire;

/// <summary>The client's side of <see cref="WireItem"/>: back to the contract's item.</summary>
internal sealed partial record WireItem
{
    public StorageItem ToItem() => new()
    {
        Key = Key,
        Size = Size,
        Created = Created,
        Updated = Updated,
        ETag = Etag,
        ContentType = ContentType,
        Metadata = StorageMetadata.Freeze(Metadata),
        Hashes = Hashes is { Count: > 0 } ? StorageMetadata.Freeze(Hashes) : StorageItem.EmptyMetadata,
        LastModified = LastModified,
    };
}
