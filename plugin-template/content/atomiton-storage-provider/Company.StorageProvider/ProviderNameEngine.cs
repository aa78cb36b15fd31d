using System.Globalization;
using System.Runtime.CompilerServices;
using Atomiton.Storage;

namespace CompanyNamespacePlaceholder;

/// <summary>
/// The ProviderName engine. This starting point keeps objects in memory so that it passes the
/// conformance kit from the first build; replace the bodies of the <c>…CoreAsync</c> methods with
/// calls to your backend, one at a time, keeping the kit green. The <see cref="StorageEngine"/> base
/// class has already checked keys, arguments, declared capabilities, cancellation and disposal.
/// </summary>
public sealed class ProviderNameEngine : StorageEngine
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Entry> _objects = new(StringComparer.Ordinal);
    private readonly ProviderNameOptions _options;
    private readonly TimeProvider _time;
    private long _bytes;
    private long _version;

    /// <summary>Creates the engine.</summary>
    public ProviderNameEngine(ProviderNameOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _time = timeProvider;
    }

    /// <inheritdoc />
    public override string EngineType => ProviderNameProvider.TypeName;

    /// <summary>Declare only what really works: the conformance kit checks every flag.</summary>
    public override StorageCapabilities Capabilities => StorageCapabilities.Standard;

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        // Read everything before touching stored state: a failing or cancelled source writes nothing.
        // ExactLengthStream fails a source shorter or longer than options.ExpectedLength.
        using var buffer = new MemoryStream();
        await using (var exact = new ExactLengthStream(content, key, options.ExpectedLength, provider: EngineType))
        {
            await exact.CopyToAsync(buffer, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _objects.TryGetValue(key, out var current);
            if (!options.Condition.IsSatisfiedBy(current?.Item.ETag))
            {
                throw options.Condition.ToConflict(key, EngineType, "save");
            }

            long used = _bytes - (current?.Content.Length ?? 0) + buffer.Length;
            if (_options.MaxBytes is { } max && used > max)
            {
                throw new StorageException(StorageErrorCode.QuotaExceeded,
                    $"Saving key '{key}' would use {used} of {max} bytes. Delete objects or raise MaxBytes.");
            }

            var now = _time.GetUtcNow();
            if (current is not null && now < current.Item.Updated)
            {
                now = current.Item.Updated;
            }

            var item = new StorageItem
            {
                Key = key,
                Size = buffer.Length,
                Created = current?.Item.Created ?? now,
                Updated = now,
                ETag = "\"" + (++_version).ToString(CultureInfo.InvariantCulture) + "\"",
                ContentType = options.ContentType,
                Metadata = StorageMetadata.Freeze(options.Metadata),
            };
            _objects[key] = new Entry(buffer.ToArray(), item);
            _bytes = used;
            return item;
        }
    }

    /// <inheritdoc />
    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var entry = Find(key);
        if (options.IfNoneMatch == entry.Item.ETag)
        {
            return ValueTask.FromResult(StorageReadResult.ForNotModified(entry.Item));
        }

        var (start, length) = options.Range?.Resolve(entry.Content.Length) ?? (0, entry.Content.Length);
        return ValueTask.FromResult(new StorageReadResult(entry.Item, new MemoryStream(entry.Content, (int)start, (int)length, writable: false)));
    }

    /// <inheritdoc />
    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Find(key).Item);

    /// <inheritdoc />
    protected override ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _objects.TryGetValue(key, out var current);
            if (options.IfMatch is not null && current?.Item.ETag != options.IfMatch)
            {
                throw StorageException.ETagMismatch(key, options.IfMatch, EngineType, "delete");
            }

            if (current is null)
            {
                return ValueTask.FromResult(false);
            }

            _objects.Remove(key);
            _bytes -= current.Content.Length;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Page by page, as a backend's continuation token would: the listing never sits in memory whole.
        int pageSize = options.PageSize ?? 1000;
        string? after = options.StartAfter;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = ReadPage(options, after, pageSize);
            foreach (var entry in page)
            {
                yield return entry;
            }

            if (page.Count < pageSize)
            {
                yield break;
            }

            // After a common prefix, resume past every key under it.
            after = page[^1].IsPrefix ? page[^1].Key + char.MaxValue : page[^1].Key;
            await Task.Yield();
        }
    }

    /// <inheritdoc />
    protected override ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(new StorageInfo
            {
                EngineType = EngineType,
                Platform = "any",
                IsConnected = true,
                Capabilities = Capabilities,
                Limits = new StorageLimits { QuotaUsed = _bytes, QuotaTotal = _options.MaxBytes },
            });
        }
    }

    /// <summary>
    /// Releases what the engine holds (a backend client, connections, files). The base class calls it
    /// once, on the first <see cref="StorageEngine.DisposeAsync"/>, and from then on refuses every
    /// operation with <see cref="ObjectDisposedException"/>. Keep the call to the base method: the
    /// analyzers (CA2215) require it.
    /// </summary>
    protected override async ValueTask DisposeCoreAsync()
    {
        lock (_gate)
        {
            _objects.Clear();
            _bytes = 0;
        }

        await base.DisposeCoreAsync();
    }

    private List<StorageEntry> ReadPage(ListOptions options, string? after, int pageSize)
    {
        var page = new List<StorageEntry>();
        lock (_gate)
        {
            foreach (var (key, entry) in _objects)
            {
                if (!key.StartsWith(options.Prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                int slash = options.Recursive ? -1 : key.IndexOf('/', options.Prefix.Length);
                var result = slash < 0 ? StorageEntry.ForItem(entry.Item) : StorageEntry.ForPrefix(key[..(slash + 1)]);
                if ((page.Count > 0 && result.Key == page[^1].Key) || (after is not null && string.CompareOrdinal(result.Key, after) <= 0))
                {
                    continue;
                }

                page.Add(result);
                if (page.Count == pageSize)
                {
                    break;
                }
            }
        }

        return page;
    }

    private Entry Find(string key)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(key, out var entry) ? entry : throw StorageException.NotFound(key, EngineType);
        }
    }

    private sealed record Entry(byte[] Content, StorageItem Item);
}
