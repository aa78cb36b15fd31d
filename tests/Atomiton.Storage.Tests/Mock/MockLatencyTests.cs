using Atomiton.Storage.Mock;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Tests.Mock;

public sealed class MockLatencyTests
{
    [Fact]
    public async Task Fixed_latency_waits_on_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        await using var engine = new MockEngine(new MockOptions { Latency = TimeSpan.FromMilliseconds(100) }, time);

        var save = engine.SaveAsync("k", new byte[] { 1 }).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(save.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await save;

        Assert.True(await ExistsAfterAsync(engine, time, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task Random_latency_stays_within_the_configured_range()
    {
        var time = new FakeTimeProvider();
        await using var engine = new MockEngine(new MockOptions { Latency = TimeSpan.FromMilliseconds(50), MaxLatency = TimeSpan.FromMilliseconds(150), Seed = 11 }, time);

        // Outside xunit's synchronisation context the fake clock completes each delay inline in Advance.
        var finishedAfter = await Task.Run(async () =>
        {
            var waits = new List<int>();
            for (int i = 0; i < 20; i++)
            {
                var call = engine.ExistsAsync("k").AsTask();
                int waited = 0;
                while (!call.IsCompleted && waited <= 151)
                {
                    time.Advance(TimeSpan.FromMilliseconds(1));
                    waited++;
                }

                await call;
                waits.Add(waited);
            }

            return waits;
        });

        Assert.All(finishedAfter, waited => Assert.InRange(waited, 50, 151));
        Assert.True(finishedAfter.Distinct().Count() > 5, "delays should vary across calls");
    }

    [Fact]
    public async Task Cancelling_during_latency_cancels_the_call_and_writes_nothing()
    {
        var time = new FakeTimeProvider();
        await using var engine = new MockEngine(new MockOptions { Latency = TimeSpan.FromSeconds(1) }, time);
        using var cancellation = new CancellationTokenSource();

        var save = engine.SaveAsync("k", new byte[] { 1 }, null, cancellation.Token).AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => save);
        var exists = engine.ExistsAsync("k").AsTask();
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await exists);
    }

    private static async Task<bool> ExistsAfterAsync(MockEngine engine, FakeTimeProvider time, TimeSpan latency)
    {
        var exists = engine.ExistsAsync("k").AsTask();
        time.Advance(latency);
        return await exists;
    }
}
