namespace Atomiton.Storage.Host.Cli;

/// <summary>How an object's metadata is shown in <c>--json</c> output.</summary>
internal sealed record ItemView(string Key, long Size, string ETag, DateTimeOffset Created, DateTimeOffset Updated, string? ContentType, IReadOnlyDictionary<string, string> Metadata)
{
    public static ItemView Of(StorageItem item) =>
        new(item.Key, item.Size, item.ETag, item.Created, item.Updated, item.ContentType, item.Metadata);
}
