using Xunit.Abstractions;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>
/// Request counts of an incremental sync of 10,000 keys with N changed on each side, both engines
/// with change feeds (memory behind the mock): the figures docs/benchmarks.md reports. Deterministic.
/// </summary>
public sealed class RequestCountTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(1000)]
    public async Task Incremental_sync_of_10000_keys_costs_feed_reads_and_two_requests_per_copied_key(int changed)
    {
        await using var world = new SyncWorld();
        for (int i = 0; i < 10_000; i++)
        {
            await world.MemoryA.SaveAsync($"k/{i:00000}", System.Text.Encoding.UTF8.GetBytes($"v{i}"));
        }

        Assert.Equal(SyncStatus.Completed, (await world.Pair().RunAsync()).Status);
        Assert.True((await world.Pair().RunAsync()).Plan.IsEmpty);
        for (int i = 0; i < changed; i++)
        {
            await world.MemoryA.SaveAsync($"k/{i:00000}", System.Text.Encoding.UTF8.GetBytes($"a{i}"));
            await world.MemoryB.SaveAsync($"k/{5000 + i:00000}", System.Text.Encoding.UTF8.GetBytes($"b{i}"));
        }

        world.A.ResetCounters();
        world.B.ResetCounters();
        var result = await world.Pair().RunAsync();
        Assert.Equal(SyncStatus.Completed, result.Status);
        Assert.Equal(2 * changed, result.Applied);
        int page = world.Options.PageSize;
        int expectedFeedReads = Math.Max(1, (changed + page - 1) / page);
        output.WriteLine($"N={changed}: A {world.A.Requests} requests ({world.A.FeedReads} feed reads, {world.A.Listings} listings), B {world.B.Requests} requests ({world.B.FeedReads} feed reads, {world.B.Listings} listings)");
        Assert.Equal(0, world.A.Listings + world.B.Listings);
        Assert.Equal(expectedFeedReads, world.A.FeedReads);
        Assert.Equal(expectedFeedReads, world.B.FeedReads);
        // Each copied key: a pinned read on the source side and a conditional save on the target side.
        Assert.Equal(expectedFeedReads + (2 * changed), world.A.Requests);
        Assert.Equal(expectedFeedReads + (2 * changed), world.B.Requests);
    }
}
