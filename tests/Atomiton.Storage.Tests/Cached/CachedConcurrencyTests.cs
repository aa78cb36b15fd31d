using Atomiton.Storage.Cached;
using Atomiton.Storage.Mock;
using static Atomiton.Storage.Tests.Cached.CachedTestEngines;

namespace Atomiton.Storage.Tests.Cached;

public sealed class CachedConcurrencyTests
{
    [Fact]
    public async Task Concurrent_loads_of_one_uncached_key_cause_one_inner_load()
    {
        var (memory, counting) = Inner();
        await memory.SaveAsync("hot", Bytes(1000));
        await using var cache = await CreateAsync(counting);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        counting.Gate = gate;

        var loads = Enumerable.Range(0, 32).Select(_ => Task.Run(async () => await cache.LoadBytesAsync("hot"))).ToArray();
        await counting.LoadStarted.Task;
        await WaitForJoinsAsync(cache, 32 - 1);

        gate.SetResult();
        var results = await Task.WhenAll(loads);

        Assert.All(results, r => Assert.Equal(Bytes(1000), r));
        Assert.Equal(1, counting.Loads);
        Assert.Equal(1, cache.Statistics.InnerLoads);
    }

    [Fact]
    public async Task A_stampede_on_one_key_reaches_the_mock_once()
    {
        var (memory, counting) = Inner();
        await memory.SaveAsync("hot", Bytes(5000));
        var mock = new MockEngine(counting);
        await using var cache = await CreateAsync(mock);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        counting.Gate = gate;

        var loads = Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await cache.LoadBytesAsync("hot"))).ToArray();
        await counting.LoadStarted.Task;
        await WaitForJoinsAsync(cache, 64 - 1);

        gate.SetResult();
        await Task.WhenAll(loads);
        await cache.LoadBytesAsync("hot");

        Assert.Equal(1, mock.Calls[MockOperation.Load]);
        Assert.All(loads, l => Assert.Equal(Bytes(5000), l.Result));
    }

    [Fact]
    public async Task A_failed_flight_fails_every_waiter_and_the_next_load_retries()
    {
        var (memory, counting) = Inner();
        await using var cache = await CreateAsync(counting, new CachedOptions { NegativeTtl = TimeSpan.Zero });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        counting.Gate = gate;

        var loads = Enumerable.Range(0, 8).Select(_ => Task.Run(async () => await cache.LoadBytesAsync("nope"))).ToArray();
        await counting.LoadStarted.Task;
        await WaitForJoinsAsync(cache, 8 - 1);

        gate.SetResult();
        foreach (var load in loads)
        {
            var error = await Assert.ThrowsAsync<StorageException>(() => load);
            Assert.Equal(StorageErrorCode.NotFound, error.Code);
        }

        Assert.Equal(1, counting.Loads);
        await memory.SaveAsync("nope", Bytes(2));
        Assert.Equal(Bytes(2), await cache.LoadBytesAsync("nope"));
    }

    [Fact]
    public async Task A_load_racing_a_write_never_leaves_stale_content_cached()
    {
        var (_, counting) = Inner();
        await using var cache = await CreateAsync(counting);
        await cache.SaveAsync("k", Bytes(10, 1));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        counting.GateAfterRead = gate;

        // The load reads version 1 ... then a save of version 2 completes ... then the load finishes.
        var load = Task.Run(async () => await cache.LoadBytesAsync("k"));
        await counting.ReadDone.Task;
        counting.GateAfterRead = null;
        await cache.SaveAsync("k", Bytes(10, 2));
        gate.SetResult();

        Assert.Equal(Bytes(10, 1), await load);
        Assert.Equal(Bytes(10, 2), await cache.LoadBytesAsync("k"));
        Assert.Equal(2, counting.Loads);
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_end_coherent()
    {
        var (memory, counting) = Inner();
        await using var cache = await CreateAsync(counting);
        const int Writers = 4;
        const int Rounds = 50;
        var readersDone = new CancellationTokenSource();

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (int round = 0; round < Rounds; round++)
            {
                await cache.SaveAsync($"key{round % 3}", BitConverter.GetBytes((w * 1000) + round));
            }
        })).ToArray();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!readersDone.IsCancellationRequested)
            {
                for (int k = 0; k < 3; k++)
                {
                    try
                    {
                        await cache.LoadBytesAsync($"key{k}");
                    }
                    catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
                    {
                    }
                }
            }
        })).ToArray();

        await Task.WhenAll(writers);
        await readersDone.CancelAsync();
        await Task.WhenAll(readers);

        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(await memory.LoadBytesAsync($"key{k}"), await cache.LoadBytesAsync($"key{k}"));
            Assert.Equal((await memory.StatAsync($"key{k}")).ETag, (await cache.StatAsync($"key{k}")).ETag);
        }
    }

    /// <summary>Waits (bounded, so a broken single flight fails instead of hanging) until every other caller has joined the leader's flight.</summary>
    private static async Task WaitForJoinsAsync(CachedEngine cache, long joins)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // a hang guard, not a verdict: generous for a loaded CI box
        while (cache.FlightJoins < joins)
        {
            Assert.False(limit.IsCancellationRequested, $"only {cache.FlightJoins} of {joins} loads joined the flight");
            await Task.Yield();
        }
    }
}
