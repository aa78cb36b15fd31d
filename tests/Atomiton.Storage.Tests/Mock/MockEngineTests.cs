using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;

namespace Atomiton.Storage.Tests.Mock;

public sealed class MockEngineTests
{
    [Fact]
    public async Task Mock_without_options_stores_like_memory_and_counts_every_call()
    {
        await using var engine = new MockEngine();
        await engine.SaveAsync("a/one", new byte[] { 1, 2, 3 });
        Assert.Equal(new byte[] { 1, 2, 3 }, await engine.LoadBytesAsync("a/one"));
        Assert.Equal(3, (await engine.StatAsync("a/one")).Size);
        Assert.True(await engine.ExistsAsync("a/one"));
        await engine.CopyAsync("a/one", "a/two");
        await engine.MoveAsync("a/two", "a/three");
        var keys = new List<string>();
        await foreach (var entry in engine.ListAsync())
        {
            keys.Add(entry.Key);
        }

        Assert.True(await engine.DeleteAsync("a/one"));
        var info = await engine.GetInfoAsync();

        Assert.Equal(["a/one", "a/three"], keys);
        Assert.Equal("mock", info.EngineType);
        Assert.Equal("memory", info.Inner!.EngineType);
        foreach (var operation in Enum.GetValues<MockOperation>())
        {
            Assert.Equal(1, engine.Calls[operation]);
        }

        Assert.Equal(9, engine.Calls.Total);
        Assert.Equal("9", info.Details["calls"]);
        Assert.Equal(0, engine.Calls.InjectedFailures);
        engine.Calls.Reset();
        Assert.Equal(0, engine.Calls.Total);
    }

    [Fact]
    public async Task Mock_over_an_inner_engine_stores_in_it_and_declares_its_capabilities()
    {
        var inner = new MemoryEngine();
        await using var engine = new MockEngine(inner);
        await engine.SaveAsync("k", new byte[] { 9 });

        Assert.True(await inner.ExistsAsync("k"));
        Assert.Equal(inner.Capabilities, engine.Capabilities);
        Assert.False(engine.Capabilities.HasFlag(StorageCapabilities.Quota));
    }

    [Fact]
    public async Task Disposing_a_mock_that_does_not_own_its_inner_engine_leaves_it_usable()
    {
        var inner = new MemoryEngine();
        var engine = new MockEngine(inner, ownsInner: false);
        await engine.DisposeAsync();

        await inner.SaveAsync("still/works", new byte[] { 1 });
        await Assert.ThrowsAsync<ObjectDisposedException>(() => engine.StatAsync("still/works").AsTask());
    }

    [Fact]
    public async Task Same_seed_gives_the_same_failures_and_another_seed_different_ones()
    {
        var first = await FailurePatternAsync(seed: 7);
        var again = await FailurePatternAsync(seed: 7);
        var other = await FailurePatternAsync(seed: 8);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Contains(true, first);
        Assert.Contains(false, first);
    }

    [Fact]
    public async Task Failure_rate_over_a_seeded_run_matches_the_configured_rate()
    {
        await using var engine = new MockEngine(new MockOptions { FailureRate = 0.3, Seed = 1234 });
        int failures = 0;
        const int Runs = 10_000;
        for (int i = 0; i < Runs; i++)
        {
            try
            {
                await engine.ExistsAsync("k");
            }
            catch (StorageException e)
            {
                Assert.Equal(StorageErrorCode.NetworkError, e.Code);
                Assert.True(e.IsTransient);
                failures++;
            }
        }

        // Binomial(10000, 0.3): standard deviation ≈ 46, so ±300 is more than six deviations.
        Assert.InRange(failures, 2_700, 3_300);
        Assert.Equal(failures, engine.Calls.InjectedFailures);
        Assert.Equal(Runs, engine.Calls[MockOperation.Exists]);
    }

    [Fact]
    public async Task A_random_failure_happens_before_the_inner_engine_so_nothing_is_written()
    {
        var inner = new MemoryEngine();
        await using var engine = new MockEngine(inner, new MockOptions { FailureRate = 1, FailureCode = StorageErrorCode.Timeout, Seed = 1 });

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("x/y", new byte[] { 1 }).AsTask());

        Assert.Equal(StorageErrorCode.Timeout, error.Code);
        Assert.True(error.IsTransient);
        Assert.Equal("mock", error.Provider);
        Assert.Equal("save", error.Operation);
        Assert.Equal("x/y", error.Key);
        Assert.Contains("FailureRate 1", error.Message, StringComparison.Ordinal);
        Assert.False(await inner.ExistsAsync("x/y"));
    }

    [Fact]
    public async Task Random_rate_limited_failures_carry_the_configured_retry_after()
    {
        await using var engine = new MockEngine(new MockOptions { FailureRate = 1, FailureCode = StorageErrorCode.RateLimited, RetryAfter = TimeSpan.FromMilliseconds(1500), Seed = 3 });

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());

        Assert.Equal(StorageErrorCode.RateLimited, error.Code);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), error.RetryAfter);
    }

    [Fact]
    public async Task Random_failures_also_hit_listing_and_info()
    {
        await using var engine = new MockEngine(new MockOptions { FailureRate = 1, Seed = 5 });

        var list = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "p/" }))
            {
                Assert.Fail("nothing is stored");
            }
        });
        var info = await Assert.ThrowsAsync<StorageException>(() => engine.GetInfoAsync().AsTask());

        Assert.Equal("list", list.Operation);
        Assert.Equal("p/", list.Key);
        Assert.Equal("info", info.Operation);
        Assert.Equal(2, engine.Calls.InjectedFailures);
    }

    private static async Task<List<bool>> FailurePatternAsync(int seed)
    {
        await using var engine = new MockEngine(new MockOptions { FailureRate = 0.5, Seed = seed });
        var pattern = new List<bool>();
        for (int i = 0; i < 64; i++)
        {
            try
            {
                await engine.SaveAsync($"k{i}", new byte[] { 1 });
                pattern.Add(false);
            }
            catch (StorageException)
            {
                pattern.Add(true);
            }
        }

        return pattern;
    }
}
