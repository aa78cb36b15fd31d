using Atomiton.Storage.Cached;
using Atomiton.Storage.Tests.Support;
using static Atomiton.Storage.Tests.Cached.CachedTestEngines;

namespace Atomiton.Storage.Tests.Cached;

/// <summary>The cached engine's whole-object <c>LoadBytesAsync</c> hit, answered without a stream.</summary>
public sealed class CachedLoadBytesTests
{
    [Fact]
    public async Task A_hit_returns_a_copy_the_caller_may_change_without_changing_the_cache()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting);
        await cache.SaveAsync("a", Bytes(100));
        await cache.LoadBytesAsync("a");

        var first = await cache.LoadBytesAsync("a");
        Array.Fill(first, (byte)0xEE);

        Assert.Equal(Bytes(100), await cache.LoadBytesAsync("a"));
        await using (var opened = await cache.OpenReadAsync("a"))
        {
            Assert.Equal(Bytes(100), await opened.ReadAllAsync());
        }

        Assert.NotSame(await cache.LoadBytesAsync("a"), await cache.LoadBytesAsync("a"));
        Assert.Equal(1, counting.Loads);
        Assert.Equal(new { Hits = 5L, Misses = 1L }, new { cache.Statistics.Hits, cache.Statistics.Misses });
    }

    [Fact]
    public async Task A_hit_completes_at_once()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting);
        await cache.SaveAsync("a", Bytes(10));
        await cache.LoadBytesAsync("a");

        var pending = cache.LoadBytesAsync("a");
        bool completedAtOnce = pending.IsCompletedSuccessfully;

        Assert.Equal(Bytes(10), await pending);
        Assert.True(completedAtOnce);
    }

    [Fact]
    public async Task A_remembered_NotFound_fails_in_the_returned_task_and_names_the_engine_operation_and_key()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting);
        await Assert.ThrowsAsync<StorageException>(async () => await cache.LoadBytesAsync("missing"));

        var pending = cache.LoadBytesAsync("missing");
        var error = await Assert.ThrowsAsync<StorageException>(async () => await pending);

        Assert.Equal(StorageErrorCode.NotFound, error.Code);
        Assert.Equal(new { Provider = (string?)"cached", Operation = (string?)"load", Key = (string?)"missing" }, new { error.Provider, error.Operation, error.Key });
        Assert.Equal(1, counting.Loads);
    }

    [Fact]
    public async Task An_expired_entry_is_revalidated_through_the_inner_engine_not_served()
    {
        var time = new ManualTimeProvider();
        var (memory, counting) = Inner();
        await using var cache = await CreateAsync(counting, new CachedOptions { Ttl = TimeSpan.FromMinutes(1) }, time);
        await cache.SaveAsync("a", Bytes(10, 1));
        await cache.LoadBytesAsync("a");
        await memory.SaveAsync("a", Bytes(12, 2)); // written by someone else

        time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(Bytes(12, 2), await cache.LoadBytesAsync("a"));
        Assert.Equal(2, counting.Loads);
    }

    [Fact]
    public async Task Ranges_and_if_none_match_loads_still_answer_from_a_fresh_entry()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting);
        var saved = await cache.SaveAsync("a", Bytes(100));
        await cache.LoadBytesAsync("a");

        Assert.Equal(Bytes(100).AsSpan(90).ToArray(), await cache.LoadBytesAsync("a", new ReadOptions { Range = ByteRange.From(90) }));
        Assert.Empty(await cache.LoadBytesAsync("a", new ReadOptions { IfNoneMatch = saved.ETag }));
        Assert.Equal(1, counting.Loads);
    }
}
