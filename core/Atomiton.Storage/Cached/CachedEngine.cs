using System.Collections.Concurrent;
using System.Globalization;
using BitFaster.Caching;
using BitFaster.Caching.Lru;

namespace Atomiton.Storage.Cached;

/// <summary>
/// The <c>cached</c> wrapper: an in-memory cache (BitFaster.Caching's <see cref="ConcurrentLru{K, V}"/>,
/// bounded by count, and by content bytes through trimming) in front of any engine.
/// <list type="bullet">
/// <item>Coherent: saves, deletes, copies and moves through this engine invalidate the keys they
/// touch, and a load that raced with a write never stores what it read.</item>
/// <item>Single flight: concurrent misses of one key share one inner load.</item>
/// <item>Fresh for <see cref="CachedOptions.Ttl"/>; then revalidated by ETag (if-none-match) when the
/// inner engine supports conditional reads, else reloaded. NotFound is remembered for
/// <see cref="CachedOptions.NegativeTtl"/>. Objects over <see cref="CachedOptions.MaxItemBytes"/> bypass the cache.</item>
/// </list>
/// Writes made to the inner engine by others are seen after at most the TTL, or as soon as this
/// engine's change feed (passed through from the inner engine) reports them: every key a page of
/// <see cref="IStorageEngine.ReadChangesAsync"/> names is invalidated before the page is returned.
/// Thread-safe.
/// </summary>
public sealed class CachedEngine : DelegatingStorageEngine
{
    /// <summary>The engine type name, <c>cached</c>.</summary>
    public const string TypeName = "cached";

    private const int StripeCount = 1024;

    private readonly ConcurrentLru<string, CacheEntry> _cache;
    private readonly ConcurrentDictionary<string, Task<CacheEntry?>> _inflight = new(StringComparer.Ordinal);
    private readonly long[] _writeStripes = new long[StripeCount];
    private readonly CachedOptions _options;
    private readonly TimeProvider _time;
    private readonly CacheMetrics _metrics;
    private long _bytes;
    private long _hits;
    private long _misses;
    private long _evictions;
    private long _revalidations;
    private long _innerLoads;
    private long _bypassed;
    private long _flightJoins;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The engine whose objects are cached.</param>
    /// <param name="options">Bounds and freshness; validated by the provider.</param>
    /// <param name="timeProvider">The clock for TTLs; null for the system clock.</param>
    /// <param name="metrics">Where hit, miss and eviction counts are published; null for an engine-owned meter.</param>
    /// <param name="ownsInner">Whether disposing this engine disposes <paramref name="inner"/>.</param>
    public CachedEngine(IStorageEngine inner, CachedOptions? options = null, TimeProvider? timeProvider = null, CacheMetrics? metrics = null, bool ownsInner = true)
        : base(inner, ownsInner)
    {
        _options = options ?? new CachedOptions();
        _time = timeProvider ?? TimeProvider.System;
        _cache = new ConcurrentLru<string, CacheEntry>(Environment.ProcessorCount, _options.CacheSize, StringComparer.Ordinal);
        var events = _cache.Events.Value!;
        events.ItemRemoved += OnRemoved;
        events.ItemUpdated += (_, e) => Interlocked.Add(ref _bytes, -e.OldValue!.Weight);
        _metrics = metrics ?? new CacheMetrics(null, null, null);
        _metrics.Attach(this);
    }

    /// <summary>The inner engine's capabilities: copy and move are forwarded to it.</summary>
    public override StorageCapabilities Capabilities => Inner.Capabilities;

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <summary>The counters now.</summary>
    public CacheStatistics Statistics => new()
    {
        Hits = Interlocked.Read(ref _hits),
        Misses = Interlocked.Read(ref _misses),
        Evictions = Interlocked.Read(ref _evictions),
        Revalidations = Interlocked.Read(ref _revalidations),
        InnerLoads = Interlocked.Read(ref _innerLoads),
        Bypassed = Interlocked.Read(ref _bypassed),
        Count = _cache.Count,
        Bytes = Interlocked.Read(ref _bytes),
    };

    /// <summary>Loads that joined another caller's flight instead of loading (for tests that synchronise on it).</summary>
    internal long FlightJoins => Interlocked.Read(ref _flightJoins);

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        BeginWrite(key);
        try
        {
            return await Inner.SaveAsync(key, content, options, cancellationToken);
        }
        finally
        {
            EndWrite(key);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        BeginWrite(key);
        try
        {
            return await Inner.DeleteAsync(key, options, cancellationToken);
        }
        finally
        {
            EndWrite(key);
        }
    }

    /// <summary>Deletes in the inner engine's batches, invalidating every key as a single delete does.</summary>
    protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            BeginWrite(key);
        }

        try
        {
            return await Inner.DeleteManyAsync(keys, cancellationToken);
        }
        finally
        {
            foreach (var key in keys)
            {
                EndWrite(key);
            }
        }
    }

    /// <summary>Forwards to the inner engine (content is not transformed) and invalidates the destination.</summary>
    protected override async ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        BeginWrite(destinationKey);
        try
        {
            return await Inner.CopyAsync(sourceKey, destinationKey, condition, cancellationToken);
        }
        finally
        {
            EndWrite(destinationKey);
        }
    }

    /// <summary>Forwards to the inner engine and invalidates both keys.</summary>
    protected override async ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        BeginWrite(sourceKey);
        BeginWrite(destinationKey);
        try
        {
            return await Inner.MoveAsync(sourceKey, destinationKey, condition, cancellationToken);
        }
        finally
        {
            EndWrite(destinationKey);
            EndWrite(sourceKey);
        }
    }

    /// <summary>
    /// The inner engine's changes; every key they name (and every previous key of a move) is
    /// invalidated before the page is returned, so a reader of the feed sees other writers at once.
    /// </summary>
    protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
    {
        var page = await Inner.ReadChangesAsync(cursor, options, cancellationToken);
        foreach (var change in page.Changes)
        {
            Invalidate(change.Key);
            if (change.PreviousKey is { } previous)
            {
                Invalidate(previous);
            }
        }

        return page;
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var entry = Lookup(key, out bool fresh);
        if (fresh)
        {
            Interlocked.Increment(ref _hits);
            return Serve(entry!, key, options);
        }

        Interlocked.Increment(ref _misses);
        if (options.Range is not null && entry is null)
        {
            // A range of an uncached object: read just that range rather than the whole object.
            return await Inner.OpenReadAsync(key, options, cancellationToken);
        }

        return await LoadThroughAsync(key, entry, options, cancellationToken);
    }

    /// <summary>
    /// A fresh whole-object hit is answered at once with a copy of the cached content (the caller
    /// owns the array; the cache's copy cannot be altered through it), without a stream or an async
    /// state machine. Everything else (miss, stale entry, range, if-none-match) loads as <see cref="OpenReadCoreAsync"/> does.
    /// </summary>
    protected override ValueTask<byte[]> LoadBytesCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        if (options.Range is null && options.IfNoneMatch is null)
        {
            var entry = Lookup(key, out bool fresh);
            if (fresh)
            {
                Interlocked.Increment(ref _hits);
                return entry!.IsNotFound
                    ? throw StorageException.NotFound(key, TypeName, StorageOperation.Load)
                    : new ValueTask<byte[]>(entry.Content.AsSpan().ToArray());
            }
        }

        return base.LoadBytesCoreAsync(key, options, cancellationToken);
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        var entry = Lookup(key, out bool fresh);
        if (fresh)
        {
            Interlocked.Increment(ref _hits);
            return entry!.Item ?? throw StorageException.NotFound(key, TypeName, StorageOperation.Stat);
        }

        Interlocked.Increment(ref _misses);
        return await Inner.StatAsync(key, cancellationToken);
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken)
    {
        var entry = Lookup(key, out bool fresh);
        if (fresh)
        {
            Interlocked.Increment(ref _hits);
            return !entry!.IsNotFound;
        }

        Interlocked.Increment(ref _misses);
        return await Inner.ExistsAsync(key, cancellationToken);
    }

    /// <summary>The inner information with the cache's counters and bounds in <see cref="StorageInfo.Details"/>.</summary>
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        var info = await base.GetInfoCoreAsync(cancellationToken);
        var stats = Statistics;
        return info with
        {
            Details = new Dictionary<string, string>
            {
                ["hits"] = Format(stats.Hits),
                ["misses"] = Format(stats.Misses),
                ["evictions"] = Format(stats.Evictions),
                ["revalidations"] = Format(stats.Revalidations),
                ["innerLoads"] = Format(stats.InnerLoads),
                ["bypassed"] = Format(stats.Bypassed),
                ["items"] = Format(stats.Count),
                ["bytes"] = Format(stats.Bytes),
                ["cacheSize"] = Format(_options.CacheSize),
                ["maxBytes"] = Format(_options.MaxBytes),
                ["ttl"] = _options.Ttl.ToString("c", CultureInfo.InvariantCulture),
            },
        };
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeCoreAsync()
    {
        _metrics.Detach(this);
        _cache.Clear();
        await base.DisposeCoreAsync();
    }

    private async ValueTask<StorageReadResult> LoadThroughAsync(string key, CacheEntry? stale, ReadOptions options, CancellationToken cancellationToken)
    {
        while (true)
        {
            var flight = new TaskCompletionSource<CacheEntry?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var current = _inflight.GetOrAdd(key, flight.Task);
            if (current != flight.Task)
            {
                Interlocked.Increment(ref _flightJoins);
                CacheEntry? shared;
                try
                {
                    shared = await current.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    continue; // the leader was cancelled, not us: lead a new flight
                }

                return shared is null
                    ? await Inner.OpenReadAsync(key, options, cancellationToken)
                    : shared.IsNotFound ? throw StorageException.NotFound(key, TypeName, StorageOperation.Load) : Serve(shared, key, options);
            }

            try
            {
                var (entry, passThrough) = await FillAsync(key, stale, options, cancellationToken);
                flight.SetResult(entry);
                return passThrough ?? Serve(entry!, key, options);
            }
            catch (Exception e)
            {
                flight.SetException(e);
                _ = flight.Task.Exception; // observed: joiners (if any) rethrow it
                throw;
            }
            finally
            {
                _inflight.TryRemove(KeyValuePair.Create(key, flight.Task));
            }
        }
    }

    /// <summary>One inner load: revalidates <paramref name="stale"/> by ETag when possible, caches what fits, passes large objects through.</summary>
    private async ValueTask<(CacheEntry? Entry, StorageReadResult? PassThrough)> FillAsync(string key, CacheEntry? stale, ReadOptions options, CancellationToken cancellationToken)
    {
        long stripe = Volatile.Read(ref _writeStripes[Stripe(key)]);
        bool revalidate = stale is { IsNotFound: false } && Inner.Capabilities.HasFlag(StorageCapabilities.ConditionalRead);
        Interlocked.Increment(ref _innerLoads);
        StorageReadResult result;
        try
        {
            result = await Inner.OpenReadAsync(key, revalidate ? new ReadOptions { IfNoneMatch = stale!.Item!.ETag } : ReadOptions.Default, cancellationToken);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
        {
            if (_options.NegativeTtl > TimeSpan.Zero)
            {
                Store(key, new CacheEntry(null, [], _time.GetUtcNow() + _options.NegativeTtl), stripe);
            }

            throw;
        }

        if (result.NotModified)
        {
            Interlocked.Increment(ref _revalidations);
            var renewed = stale!.Renewed(_time.GetUtcNow() + _options.Ttl);
            Store(key, renewed, stripe);
            return (renewed, null);
        }

        if (result.Item.Size > _options.MaxItemBytes)
        {
            Interlocked.Increment(ref _bypassed);
            _cache.TryRemove(key);
            var passThrough = options.Range is null && options.IfNoneMatch is null ? result : await ReopenAsync(result, key, options, cancellationToken);
            return (null, passThrough);
        }

        byte[] content;
        await using (result)
        {
            content = await result.ReadAllAsync(cancellationToken);
        }

        var entry = new CacheEntry(result.Item with { Size = content.LongLength }, content, _time.GetUtcNow() + _options.Ttl);
        Store(key, entry, stripe);
        return (entry, null);
    }

    private async ValueTask<StorageReadResult> ReopenAsync(StorageReadResult whole, string key, ReadOptions options, CancellationToken cancellationToken)
    {
        await whole.DisposeAsync();
        return await Inner.OpenReadAsync(key, options, cancellationToken);
    }

    private static StorageReadResult Serve(CacheEntry entry, string key, ReadOptions options)
    {
        if (entry.Item is not { } item)
        {
            throw StorageException.NotFound(key, TypeName, StorageOperation.Load);
        }

        if (options.IfNoneMatch is not null && string.Equals(options.IfNoneMatch, item.ETag, StringComparison.Ordinal))
        {
            return StorageReadResult.ForNotModified(item);
        }

        var (start, length) = options.Range?.Resolve(entry.Content.LongLength) ?? (0, entry.Content.LongLength);
        return new StorageReadResult(item, new MemoryStream(entry.Content, (int)start, (int)length, writable: false));
    }

    private CacheEntry? Lookup(string key, out bool fresh)
    {
        if (_cache.TryGet(key, out var entry))
        {
            fresh = entry.ExpiresAt > _time.GetUtcNow();
            return entry;
        }

        fresh = false;
        return null;
    }

    /// <summary>Caches <paramref name="entry"/> unless a write to its key began since <paramref name="stripe"/> was read.</summary>
    private void Store(string key, CacheEntry entry, long stripe)
    {
        ref long current = ref _writeStripes[Stripe(key)];
        if (Volatile.Read(ref current) != stripe)
        {
            return;
        }

        Interlocked.Add(ref _bytes, entry.Weight);
        _cache.AddOrUpdate(key, entry);
        while (Interlocked.Read(ref _bytes) > _options.MaxBytes && _cache.Count > 0)
        {
            _cache.Policy.Eviction.Value!.Trim(1);
        }

        if (Volatile.Read(ref current) != stripe)
        {
            // A write began while we stored: what we read may predate it.
            _cache.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    private void BeginWrite(string key)
    {
        Interlocked.Increment(ref _writeStripes[Stripe(key)]);
        _cache.TryRemove(key);
    }

    private void EndWrite(string key)
    {
        Interlocked.Increment(ref _writeStripes[Stripe(key)]);
        _cache.TryRemove(key);

        // Loads that start after this write must not join a flight that began before it.
        _inflight.TryRemove(key, out _);
    }

    /// <summary>Forgets a key changed elsewhere: a load in flight that began before it does not store what it read.</summary>
    private void Invalidate(string key)
    {
        BeginWrite(key);
        EndWrite(key);
    }

    private void OnRemoved(object? sender, ItemRemovedEventArgs<string, CacheEntry> e)
    {
        Interlocked.Add(ref _bytes, -e.Value!.Weight);
        if (e.Reason is ItemRemovedReason.Evicted or ItemRemovedReason.Trimmed)
        {
            Interlocked.Increment(ref _evictions);
        }
    }

    private static int Stripe(string key) => (StringComparer.Ordinal.GetHashCode(key) & int.MaxValue) % StripeCount;

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
