using Atomiton.Storage.Cloud.Benchmarks;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// A short run of the change-feed benchmark (counts only, no timing verdict): the changes since a
/// cursor cost the same number of requests whatever the number of stored keys; a full listing grows
/// with them.
/// </summary>
public sealed class ChangeFeedCostTests
{
    [Fact]
    public async Task Changes_since_a_cursor_take_one_request_whatever_the_key_count_while_a_listing_grows()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var small = await ChangeFeedRun.RunAsync(keys: 500, changes: 10, feedRepeats: 1, listRepeats: 1, timeout.Token);
        var large = await ChangeFeedRun.RunAsync(keys: 2500, changes: 10, feedRepeats: 1, listRepeats: 1, timeout.Token);
        Assert.Equal(1, small.FeedRequests);
        Assert.Equal(1, large.FeedRequests);
        Assert.Equal(1, small.ListRequests);   // 510 keys: one page of 1000
        Assert.Equal(3, large.ListRequests);   // 2510 keys: three pages
    }
}
