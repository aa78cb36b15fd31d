using System.Globalization;
using System.Runtime.CompilerServices;

namespace Atomiton.Storage.Memory;

/// <summary>
/// The <c>memory</c> engine: thread-safe, every capability (ETags, conditional writes, ranges,
/// shallow listing, native copy and move, a change feed with waits), optional quota. Content is
/// buffered before it is committed under a lock, so a failed or cancelled save leaves nothing
/// behind. Listing walks a sorted index page by page and never copies the whole key set. Every
/// write is recorded in the change log under the same lock (see <c>MemoryEngine.ChangeFeed.cs</c>).
/// </summary>
public sealed partial class MemoryEngine : StorageEngine
{
    /// <summary>The engine type name, <c>memory</c>.</summary>
    public const string TypeName = "memory";

    private const int DefaultPageSize = 1000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, MemoryEntry> _entries = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _index = new(StringComparer.Ordinal);
    private readonly MemoryOptions _options;
    private readonly TimeProvider _time;
    private long _bytesUsed;
    private long _etagCounter;

    /// <summary>Creates an empty engine.</summary>
    /// <param name="options">Limits; null for none.</param>
    /// <param name="timeProvider">The clock for created/updated times; null for the system clock.</param>
    public MemoryEngine(MemoryOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new MemoryOptions();
        _time = timeProvider ?? TimeProvider.System;
        _changes = CreateChangeLog(_options, _time);
    }

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <inheritdoc />
    public override StorageCapabilities Capabilities =>
        StorageCapabilities.Standard | StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove
        | StorageCapabilities.ChangeFeed | StorageCapabilities.ChangeFeedWait | HashCapabilities
        | (_options.MaxBytes is null ? StorageCapabilities.None : StorageCapabilities.Quota);

    /// <summary>How many objects are stored.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        var (bytes, hashes) = await ReadContentAsync(key, content, options.ExpectedLength, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _entries.TryGetValue(key, out var current);
            if (!options.Condition.IsSatisfiedBy(current?.Item.ETag))
            {
                throw options.Condition.ToConflict(key, EngineType, "save");
            }

            EnsureQuota(key, bytes.LongLength, current);
            var item = NewItem(key, bytes.LongLength, current?.Item, options.ContentType, StorageMetadata.Freeze(options.Metadata), hashes, options.LastModified);
            Commit(key, new MemoryEntry(bytes, item), current);
            _changes.Append(new StorageChange(StorageChangeKind.Upserted, key, item));
            return item;
        }
    }

    /// <inheritdoc />
    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var entry = Get(key);
        if (options.IfNoneMatch is not null && string.Equals(options.IfNoneMatch, entry.Item.ETag, StringComparison.Ordinal))
        {
            return ValueTask.FromResult(StorageReadResult.ForNotModified(entry.Item));
        }

        var (start, length) = options.Range?.Resolve(entry.Content.LongLength) ?? (0, entry.Content.LongLength);
        var stream = new MemoryStream(entry.Content, (int)start, (int)length, writable: false);
        return ValueTask.FromResult(new StorageReadResult(entry.Item, stream));
    }

    /// <inheritdoc />
    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Get(key).Item);

    /// <inheritdoc />
    protected override ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_entries.ContainsKey(key));
        }
    }

    /// <inheritdoc />
    protected override ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _entries.TryGetValue(key, out var current);
            if (options.IfMatch is not null && !string.Equals(current?.Item.ETag, options.IfMatch, StringComparison.Ordinal))
            {
                throw StorageException.ETagMismatch(key, options.IfMatch, EngineType, "delete");
            }

            if (current is null)
            {
                return ValueTask.FromResult(false);
            }

            Remove(key, current);
            _changes.Append(new StorageChange(StorageChangeKind.Deleted, key));
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    protected override ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Transfer(sourceKey, destinationKey, condition, removeSource: false, "copy"));

    /// <inheritdoc />
    protected override ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Transfer(sourceKey, destinationKey, condition, removeSource: true, "move"));

    /// <inheritdoc />
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int pageSize = options.PageSize ?? DefaultPageSize;
        string? after = options.StartAfter;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = ReadPage(options, after, pageSize, out var resumeAfter);
            foreach (var entry in page)
            {
                yield return entry;
            }

            if (resumeAfter is null)
            {
                yield break;
            }

            after = resumeAfter;
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
                HashAlgorithms = HashAlgorithms,
                Limits = new StorageLimits
                {
                    ModifiedTimePrecision = ModifiedTimePrecision,
                    MaxObjectSize = _options.MaxObjectSize ?? Array.MaxLength,
                    MaxItems = _options.MaxItems,
                    QuotaUsed = _bytesUsed,
                    QuotaTotal = _options.MaxBytes,
                    ChangeRetention = _options.ChangeRetention,
                },
                Details = new Dictionary<string, string>
                {
                    ["items"] = _entries.Count.ToString(CultureInfo.InvariantCulture),
                    ["changeRetentionEntries"] = _options.ChangeRetentionEntries.ToString(CultureInfo.InvariantCulture),
                },
            });
        }
    }

    private List<StorageEntry> ReadPage(ListOptions options, string? after, int pageSize, out string? resumeAfter)
    {
        var page = new List<StorageEntry>(Math.Min(pageSize, 256));
        resumeAfter = null;
        string prefix = options.Prefix;
        lock (_gate)
        {
            if (_index.Count == 0)
            {
                return page;
            }

            string lower = after is not null && string.CompareOrdinal(after, prefix) > 0 ? after : prefix;
            string max = _index.Max!;
            if (string.CompareOrdinal(lower, max) > 0)
            {
                return page;
            }

            string? lastPrefix = null;
            foreach (var key in _index.GetViewBetween(lower, max))
            {
                if (!key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    break;
                }

                if (after is not null && string.CompareOrdinal(key, after) <= 0)
                {
                    continue;
                }

                if (!options.Recursive)
                {
                    int slash = key.IndexOf(StorageKey.Separator, prefix.Length);
                    if (slash >= 0)
                    {
                        string common = key[..(slash + 1)];
                        if (common == lastPrefix || (after is not null && string.CompareOrdinal(common, after) <= 0))
                        {
                            continue;
                        }

                        lastPrefix = common;
                        page.Add(StorageEntry.ForPrefix(common));
                        if (page.Count == pageSize)
                        {
                            // Resume after every key of this common prefix.
                            resumeAfter = common + char.MaxValue;
                            return page;
                        }

                        continue;
                    }
                }

                page.Add(StorageEntry.ForItem(_entries[key].Item));
                if (page.Count == pageSize)
                {
                    resumeAfter = key;
                    return page;
                }
            }
        }

        return page;
    }

    private StorageItem Transfer(string sourceKey, string destinationKey, WriteCondition condition, bool removeSource, string operation)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(sourceKey, out var source))
            {
                throw StorageException.NotFound(sourceKey, EngineType, operation);
            }

            _entries.TryGetValue(destinationKey, out var current);
            if (!condition.IsSatisfiedBy(current?.Item.ETag))
            {
                throw condition.ToConflict(destinationKey, EngineType, operation);
            }

            if (!removeSource)
            {
                EnsureQuota(destinationKey, source.Content.LongLength, current);
            }

            var item = NewItem(destinationKey, source.Content.LongLength, current?.Item, source.Item.ContentType, source.Item.Metadata, source.Item.Hashes, source.Item.LastModified);
            Commit(destinationKey, new MemoryEntry(source.Content, item), current);
            if (removeSource)
            {
                Remove(sourceKey, source);
            }

            _changes.Append(removeSource
                ? new StorageChange(StorageChangeKind.Moved, destinationKey, item, sourceKey)
                : new StorageChange(StorageChangeKind.Upserted, destinationKey, item));
            return item;
        }
    }

    private MemoryEntry Get(string key)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(key, out var entry) ? entry : throw StorageException.NotFound(key, EngineType);
        }
    }

    private StorageItem NewItem(string key, long size, StorageItem? previous, string? contentType, IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, string> hashes, DateTimeOffset? lastModified)
    {
        var now = _time.GetUtcNow();
        if (previous is not null && now < previous.Updated)
        {
            now = previous.Updated;
        }

        return new StorageItem
        {
            Key = key,
            Size = size,
            Created = previous?.Created ?? now,
            Updated = now,
            ETag = "\"m" + (++_etagCounter).ToString("x", CultureInfo.InvariantCulture) + "\"",
            ContentType = contentType,
            Metadata = metadata,
            Hashes = hashes,
            LastModified = lastModified,
        };
    }

    private void EnsureQuota(string key, long size, MemoryEntry? current)
    {
        long used = _bytesUsed - (current?.Content.LongLength ?? 0) + size;
        if (_options.MaxBytes is { } maxBytes && used > maxBytes)
        {
            throw new StorageException(StorageErrorCode.QuotaExceeded,
                $"Saving {size} bytes under key '{key}' would use {used} of the {maxBytes}-byte quota. Delete objects or raise MaxBytes.")
            { Key = key, Provider = EngineType, Operation = "save" };
        }

        if (current is null && _options.MaxItems is { } maxItems && _entries.Count >= maxItems)
        {
            throw new StorageException(StorageErrorCode.QuotaExceeded,
                $"Saving key '{key}' would exceed the limit of {maxItems} objects. Delete objects or raise MaxItems.")
            { Key = key, Provider = EngineType, Operation = "save" };
        }
    }

    private void Commit(string key, MemoryEntry entry, MemoryEntry? current)
    {
        _bytesUsed += entry.Content.LongLength - (current?.Content.LongLength ?? 0);
        _entries[key] = entry;
        if (current is null)
        {
            _index.Add(key);
        }
    }

    private void Remove(string key, MemoryEntry current)
    {
        _entries.Remove(key);
        _index.Remove(key);
        _bytesUsed -= current.Content.LongLength;
    }

    private StorageException TooLarge(string key, long size, long limit) =>
        new(StorageErrorCode.ObjectTooLarge, $"The object for key '{key}' has at least {size} bytes; this engine accepts at most {limit}. Nothing was written.")
        { Key = key, Provider = EngineType, Operation = "save" };
}
