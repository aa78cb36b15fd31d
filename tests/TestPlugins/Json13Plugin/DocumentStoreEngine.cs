using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Atomiton.Storage;
using Newtonsoft.Json;

namespace Json13Plugin;

/// <summary>
/// A backend that keeps each object as a JSON document serialized with this plugin's own
/// Newtonsoft.Json, and reports that library's version and its call counts in GetInfo.
/// </summary>
public sealed class DocumentStoreEngine(int maxItems, TimeProvider time) : StorageEngine
{
    private readonly ConcurrentDictionary<string, string> _documents = new(StringComparer.Ordinal);
    private int _saves;
    private int _loads;
    private long _version;

    public override string EngineType => "json13-store";

    public override StorageCapabilities Capabilities =>
        StorageCapabilities.Read | StorageCapabilities.Write | StorageCapabilities.Delete | StorageCapabilities.List | StorageCapabilities.UserMetadata | StorageCapabilities.ContentType;

    public static string NewtonsoftVersion => typeof(JsonConvert).Assembly.GetName().Version!.ToString();

    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _saves);
        if (!_documents.ContainsKey(key) && _documents.Count >= maxItems)
        {
            throw new StorageException(StorageErrorCode.QuotaExceeded, $"json13-store holds at most {maxItems} objects.");
        }

        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var now = time.GetUtcNow();
        var document = new StoredDocument
        {
            Content = Convert.ToBase64String(buffer.ToArray()),
            ContentType = options.ContentType,
            Metadata = new Dictionary<string, string>(options.Metadata ?? StorageItem.EmptyMetadata),
            Created = _documents.TryGetValue(key, out var old) ? JsonConvert.DeserializeObject<StoredDocument>(old)!.Created : now,
            Updated = now,
            ETag = Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Newtonsoft = NewtonsoftVersion,
        };
        _documents[key] = JsonConvert.SerializeObject(document);
        return ToItem(key, document);
    }

    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _loads);
        var document = Find(key);
        var bytes = Convert.FromBase64String(document.Content);
        return ValueTask.FromResult(new StorageReadResult(ToItem(key, document), new MemoryStream(bytes, writable: false)));
    }

    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ToItem(key, Find(key)));

    protected override ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_documents.TryRemove(key, out _));

    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var key in _documents.Keys.Where(k => k.StartsWith(options.Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (options.StartAfter is not null && string.CompareOrdinal(key, options.StartAfter) <= 0)
            {
                continue;
            }

            if (_documents.TryGetValue(key, out var json))
            {
                yield return StorageEntry.ForItem(ToItem(key, JsonConvert.DeserializeObject<StoredDocument>(json)!));
            }

            await Task.Yield();
        }
    }

    protected override ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new StorageInfo
        {
            EngineType = EngineType,
            Platform = "any",
            IsConnected = true,
            Capabilities = Capabilities,
            Details = new Dictionary<string, string>
            {
                ["newtonsoft"] = NewtonsoftVersion,
                ["saves"] = Volatile.Read(ref _saves).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["loads"] = Volatile.Read(ref _loads).ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        });

    private StoredDocument Find(string key) =>
        _documents.TryGetValue(key, out var json)
            ? JsonConvert.DeserializeObject<StoredDocument>(json)!
            : throw new StorageException(StorageErrorCode.NotFound, $"No object is stored under '{key}'.") { Key = key };

    private static StorageItem ToItem(string key, StoredDocument document) => new()
    {
        Key = key,
        Size = Convert.FromBase64String(document.Content).LongLength,
        Created = document.Created,
        Updated = document.Updated,
        ETag = document.ETag,
        ContentType = document.ContentType,
        Metadata = document.Metadata,
    };
}
