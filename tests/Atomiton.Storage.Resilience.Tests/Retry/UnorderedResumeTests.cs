using Atomiton.Storage.Memory;
using Atomiton.Storage.Resilience.Retry;

namespace Atomiton.Storage.Resilience.Tests.Retry;

/// <summary>Resumable listing over an engine that lists unordered and pages with tokens, as a drive does.</summary>
public sealed class UnorderedResumeTests
{
    private static readonly RetryOptions Fast = new() { MaxRetryAttempts = 4, BaseDelay = TimeSpan.Zero, Seed = 1 };

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(23)]
    [InlineData(49)]
    public async Task A_retried_unordered_listing_resumes_by_token_without_repeating_or_skipping(int failAfter)
    {
        var keys = await SeedAsync(50);
        var flaky = new UnorderedTokenEngine(keys.Engine, seed: 7, failAfter: failAfter);
        await using var engine = new RetryEngine(flaky, Fast);

        var listed = new List<string>();
        await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "k/" }))
        {
            listed.Add(entry.Key);
        }

        Assert.Equal(keys.Keys, listed.Order(StringComparer.Ordinal));
        Assert.Equal(listed.Count, listed.Distinct(StringComparer.Ordinal).Count());
        Assert.NotEqual(keys.Keys, listed); // the engine really is unordered
        Assert.Equal(2, flaky.Listings);
    }

    [Fact]
    public async Task A_caller_token_is_honoured_and_a_failure_after_it_resumes_from_the_latest_entry()
    {
        var keys = await SeedAsync(30);
        var engineTokens = new UnorderedTokenEngine(keys.Engine, seed: 9);
        var first = new List<StorageEntry>();
        await foreach (var entry in engineTokens.ListAsync())
        {
            first.Add(entry);
            if (first.Count == 10)
            {
                break;
            }
        }

        var flaky = new UnorderedTokenEngine(keys.Engine, seed: 9, failAfter: 5);
        await using var engine = new RetryEngine(flaky, Fast);
        var rest = new List<string>();
        await foreach (var entry in engine.ListAsync(new ListOptions { ContinuationToken = first[^1].ContinuationToken }))
        {
            rest.Add(entry.Key);
        }

        Assert.Equal(20, rest.Count);
        Assert.Equal(keys.Keys, first.Select(entry => entry.Key).Concat(rest).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_unordered_listing_without_tokens_is_not_restarted_part_way()
    {
        var keys = await SeedAsync(20);
        var flaky = new UnorderedTokenEngine(keys.Engine, seed: 4, failAfter: 8, issueTokens: false);
        await using var engine = new RetryEngine(flaky, Fast);

        var listed = new List<string>();
        var error = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await foreach (var entry in engine.ListAsync())
            {
                listed.Add(entry.Key);
            }
        });

        Assert.Equal(8, listed.Count);
        Assert.False(error.IsTransient);
        Assert.Contains("List again from the start", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, flaky.Listings);
    }

    [Fact]
    public async Task An_unordered_listing_without_tokens_that_fails_before_its_first_entry_starts_again()
    {
        var keys = await SeedAsync(12);
        var flaky = new UnorderedTokenEngine(keys.Engine, seed: 4, failAfter: 0, issueTokens: false);
        await using var engine = new RetryEngine(flaky, Fast);

        var listed = new List<string>();
        await foreach (var entry in engine.ListAsync())
        {
            listed.Add(entry.Key);
        }

        Assert.Equal(keys.Keys, listed.Order(StringComparer.Ordinal));
        Assert.Equal(2, flaky.Listings);
    }

    private static async Task<(MemoryEngine Engine, List<string> Keys)> SeedAsync(int count)
    {
        var memory = new MemoryEngine();
        var keys = Enumerable.Range(0, count).Select(i => $"k/{i:D3}").ToList();
        foreach (var key in keys)
        {
            await memory.SaveAsync(key, new byte[] { 1 });
        }

        return (memory, keys);
    }
}
