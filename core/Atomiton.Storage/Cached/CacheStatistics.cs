namespace Atomiton.Storage.Cached;

/// <summary>The counters of a <see cref="CachedEngine"/> at one moment.</summary>
public sealed record CacheStatistics
{
    /// <summary>Loads, stats and exists answered from the cache.</summary>
    public long Hits { get; init; }

    /// <summary>Loads, stats and exists that went to the inner engine.</summary>
    public long Misses { get; init; }

    /// <summary>Entries dropped to respect the count or byte bound.</summary>
    public long Evictions { get; init; }

    /// <summary>Expired entries confirmed current by the inner engine's ETag, without reloading content.</summary>
    public long Revalidations { get; init; }

    /// <summary>Loads the inner engine actually performed (single flight: concurrent misses of one key share one).</summary>
    public long InnerLoads { get; init; }

    /// <summary>Objects larger than the bypass threshold, streamed without caching.</summary>
    public long Bypassed { get; init; }

    /// <summary>Entries held now.</summary>
    public long Count { get; init; }

    /// <summary>Content bytes held now.</summary>
    public long Bytes { get; init; }
}
