using Atomiton.Storage.Cached;
using Atomiton.Storage.Tests.Support;
using static Atomiton.Storage.Tests.Cached.CachedTestEngines;

namespace Atomiton.Storage.Tests.Cached;

public sealed class CachedEngineTests
{
    [Fact]
    public async Task A_second_load_is_a_hit_without_an_inner_load()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting);
        await cache.SaveAsync("a", Bytes(100));

        Assert.Equal(Bytes(100), await cache.LoadBytesAsync("a"));
        Assert.Equal(Bytes(100), await cache.LoadBytesAsync("a"));
        Assert.Equal(Bytes(100).AsSpan(10, 5).ToArray(), await cache.LoadBytesAsync("a", new ReadOptions { Range = ByteRange.From(10, 5) }));
        var stat = await cache.StatAsync("a");

        Assert.Equal(1, counting.Loads);
        Assert.Equal(0, counting.Stats);
        Assert.Equal(100, stat.Size);
        Assert.Equal(new { Hits = 3L, Misses = 1L }, new { cache.Statistics.Hits, cache.Statistics.Misses });
    }

    [Fact]
    public async Task A_save_through_the_cache_replaces_what_it_serves()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting);
        await cache.SaveAsync("a", Bytes(10, 1));
        await cache.LoadBytesAsync("a");

        await cache.SaveAsync("a", Bytes(20, 2));

        Assert.Equal(Bytes(20, 2), await cache.LoadBytesAsync("a"));
        Assert.Equal(20, (await cache.StatAsync("a")).Size);
    }

    [Fact]
    public async Task A_delete_through_the_cache_is_seen_at_once()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting);
        await cache.SaveAsync("a", Bytes(10));
        await cache.LoadBytesAsync("a");

        await cache.DeleteAsync("a");

        var error = await Assert.ThrowsAsync<StorageException>(async () => await cache.LoadBytesAsync("a"));
        Assert.Equal(StorageErrorCode.NotFound, error.Code);
        Assert.False(await cache.ExistsAsync("a"));
    }

    [Fact]
    public async Task NotFound_is_remembered_for_the_negative_ttl_only()
    {
        var time = new ManualTimeProvider();
        var (memory, counting) = Inner();
        await using var cache = await CreateAsync(counting, new CachedOptions { NegativeTtl = TimeSpan.FromSeconds(5) }, time);

        await Assert.ThrowsAsync<StorageException>(async () => await cache.LoadBytesAsync("missing"));
        await Assert.ThrowsAsync<StorageException>(async () => await cache.LoadBytesAsync("missing"));
        Assert.False(await cache.ExistsAsync("missing"));
        Assert.Equal(1, counting.Loads);

        await memory.SaveAsync("missing", Bytes(3));
        time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(Bytes(3), await cache.LoadBytesAsync("missing"));
        Assert.Equal(2, counting.Loads);
    }

    [Fact]
    public async Task A_save_through_the_cache_clears_a_remembered_NotFound()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting, new CachedOptions { NegativeTtl = TimeSpan.FromHours(1) });
        await Assert.ThrowsAsync<StorageException>(async () => await cache.LoadBytesAsync("k"));

        await cache.SaveAsync("k", Bytes(4));

        Assert.Equal(Bytes(4), await cache.LoadBytesAsync("k"));
    }

    [Fact]
    public async Task An_expired_entry_is_revalidated_by_ETag_without_reloading()
    {
        var time = new ManualTimeProvider();
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting, new CachedOptions { Ttl = TimeSpan.FromMinutes(1) }, time);
        await cache.SaveAsync("a", Bytes(50));
        await cache.LoadBytesAsync("a");

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(Bytes(50), await cache.LoadBytesAsync("a"));
        Assert.Equal(Bytes(50), await cache.LoadBytesAsync("a"));

        Assert.Equal(2, counting.Loads);
        Assert.Equal(1, counting.ConditionalLoads);
        Assert.Equal(1, cache.Statistics.Revalidations);
    }

    [Fact]
    public async Task A_change_made_behind_the_cache_is_seen_after_the_ttl()
    {
        var time = new ManualTimeProvider();
        var (memory, counting) = Inner();
        await using var cache = await CreateAsync(counting, new CachedOptions { Ttl = TimeSpan.FromMinutes(1) }, time);
        await cache.SaveAsync("a", Bytes(50, 1));
        await cache.LoadBytesAsync("a");
        await memory.SaveAsync("a", Bytes(60, 2));

        Assert.Equal(Bytes(50, 1), await cache.LoadBytesAsync("a"));
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(Bytes(60, 2), await cache.LoadBytesAsync("a"));
        Assert.Equal(0, cache.Statistics.Revalidations);
    }

    [Fact]
    public async Task Objects_above_the_threshold_bypass_the_cache()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting, new CachedOptions { MaxItemBytes = 100 });
        await cache.SaveAsync("big", Bytes(101));

        Assert.Equal(Bytes(101), await cache.LoadBytesAsync("big"));
        Assert.Equal(Bytes(101), await cache.LoadBytesAsync("big"));

        Assert.Equal(2, counting.Loads);
        Assert.Equal(2, cache.Statistics.Bypassed);
        Assert.Equal(0, cache.Statistics.Count);
    }

    [Fact]
    public async Task The_byte_bound_evicts_least_recently_used_entries()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting, new CachedOptions { MaxBytes = 1000, MaxItemBytes = 1000 });
        for (int i = 0; i < 6; i++)
        {
            await cache.SaveAsync($"k{i}", Bytes(300, i));
            await cache.LoadBytesAsync($"k{i}");
        }

        var stats = cache.Statistics;
        Assert.True(stats.Bytes <= 1000, $"{stats.Bytes} bytes held");
        Assert.True(stats.Evictions >= 3, $"{stats.Evictions} evictions");
        Assert.Equal(stats.Count * 300, stats.Bytes);
        Assert.Equal(Bytes(300, 5), await cache.LoadBytesAsync("k5"));
    }

    [Fact]
    public async Task The_count_bound_evicts_entries()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting, new CachedOptions { CacheSize = 10 });
        for (int i = 0; i < 50; i++)
        {
            await cache.SaveAsync($"k{i}", Bytes(10, i));
            await cache.LoadBytesAsync($"k{i}");
        }

        Assert.True(cache.Statistics.Count <= 10);
        Assert.True(cache.Statistics.Evictions >= 40);
        Assert.Equal(cache.Statistics.Count * 10, cache.Statistics.Bytes);
    }

    [Fact]
    public async Task GetInfo_reports_hits_misses_and_evictions()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting);
        await cache.SaveAsync("a", Bytes(10));
        await cache.LoadBytesAsync("a");
        await cache.LoadBytesAsync("a");

        var info = await cache.GetInfoAsync();

        Assert.Equal("cached", info.EngineType);
        Assert.Equal("1", info.Details["hits"]);
        Assert.Equal("1", info.Details["misses"]);
        Assert.Equal("0", info.Details["evictions"]);
        Assert.Equal("10", info.Details["bytes"]);
    }

    [Fact]
    public async Task If_none_match_is_answered_from_the_cache()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting);
        var saved = await cache.SaveAsync("a", Bytes(10));
        await cache.LoadBytesAsync("a");

        await using var result = await cache.OpenReadAsync("a", new ReadOptions { IfNoneMatch = saved.ETag });

        Assert.True(result.NotModified);
        Assert.Equal(1, counting.Loads);
    }

    [Fact]
    public async Task Copy_and_move_invalidate_their_destination()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting);
        await cache.SaveAsync("src", Bytes(10, 1));
        await cache.SaveAsync("dst", Bytes(10, 2));
        await cache.LoadBytesAsync("dst");

        await cache.CopyAsync("src", "dst");
        Assert.Equal(Bytes(10, 1), await cache.LoadBytesAsync("dst"));

        await cache.LoadBytesAsync("src");
        await cache.MoveAsync("src", "moved");
        Assert.False(await cache.ExistsAsync("src"));
        Assert.Equal(Bytes(10, 1), await cache.LoadBytesAsync("moved"));
    }
}
