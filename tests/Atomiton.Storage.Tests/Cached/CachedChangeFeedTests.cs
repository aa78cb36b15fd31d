using Atomiton.Storage.Cached;
using Atomiton.Storage.Memory;

namespace Atomiton.Storage.Tests.Cached;

/// <summary>The cache passes the change feed through and forgets every key a page reports, so it sees other writers once the feed is read.</summary>
public sealed class CachedChangeFeedTests
{
    private static readonly CachedOptions LongTtl = new() { Ttl = TimeSpan.FromDays(1), NegativeTtl = TimeSpan.FromDays(1) };

    [Fact]
    public async Task Reading_the_feed_invalidates_keys_another_writer_changed()
    {
        await using var backend = new MemoryEngine();
        await using var cached = new CachedEngine(backend, LongTtl, ownsInner: false);
        await backend.SaveAsync("shared", new byte[] { 1 });
        var cursor = await cached.GetChangeCursorAsync();
        Assert.Equal(new byte[] { 1 }, await cached.LoadBytesAsync("shared"));

        await backend.SaveAsync("shared", new byte[] { 2 });
        Assert.Equal(new byte[] { 1 }, await cached.LoadBytesAsync("shared")); // within the TTL, the cache cannot know
        var page = await cached.ReadChangesAsync(cursor);

        Assert.Equal("shared", Assert.Single(page.Changes).Key);
        Assert.Equal(new byte[] { 2 }, await cached.LoadBytesAsync("shared"));
    }

    [Fact]
    public async Task Reading_the_feed_invalidates_both_keys_of_a_move_and_a_remembered_NotFound()
    {
        await using var backend = new MemoryEngine();
        await using var cached = new CachedEngine(backend, LongTtl, ownsInner: false);
        await backend.SaveAsync("from", new byte[] { 7 });
        var cursor = await cached.GetChangeCursorAsync();
        Assert.True(await cached.ExistsAsync("from"));
        await Assert.ThrowsAsync<StorageException>(async () => await cached.LoadBytesAsync("to"));
        await cached.LoadBytesAsync("from");

        await backend.MoveAsync("from", "to");
        await cached.ReadChangesAsync(cursor);

        Assert.False(await cached.ExistsAsync("from"));
        Assert.Equal(new byte[] { 7 }, await cached.LoadBytesAsync("to"));
    }

    [Fact]
    public async Task The_cache_declares_and_forwards_the_inner_feed_and_wait()
    {
        await using var cached = new CachedEngine(new MemoryEngine());
        var cursor = await cached.GetChangeCursorAsync();
        var wait = cached.WaitForChangesAsync(cursor, TimeSpan.FromMinutes(2)).AsTask();

        await cached.SaveAsync("k", new byte[] { 1 });

        Assert.True(cached.Capabilities.HasFlag(StorageCapabilities.ChangeFeed | StorageCapabilities.ChangeFeedWait));
        Assert.True(await wait.WaitAsync(TimeSpan.FromMinutes(4)));
        Assert.Equal("k", Assert.Single((await cached.ReadChangesAsync(cursor)).Changes).Key);
    }
}
