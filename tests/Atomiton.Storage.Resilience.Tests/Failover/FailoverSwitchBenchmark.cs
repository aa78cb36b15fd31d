using System.Diagnostics;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Resilience.Failover;
using Xunit.Abstractions;

namespace Atomiton.Storage.Resilience.Tests.Failover;

/// <summary>
/// Over repeated trials with mocks on the real clock, the first call after the primary fails is
/// served by the secondary. The switch time is written to the test output for information only:
/// the figure of record comes from the benchmark project (`failover` benchmark), never from a
/// timed assertion here.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class FailoverSwitchBenchmark(ITestOutputHelper output)
{
    private const int Trials = 20;

    [Fact]
    public async Task First_call_after_the_primary_errors_is_served_by_the_secondary()
    {
        var times = await MeasureAsync(primary => primary.Faults.FailAll(StorageErrorCode.NetworkError), attemptTimeout: null);

        Report("primary errors (NetworkError)", times);
    }

    [Fact]
    public async Task First_call_after_the_primary_hangs_is_served_by_the_secondary()
    {
        var times = await MeasureAsync(
            primary => primary.Faults.FailWhen((_, _) => true, new MockFault(StorageErrorCode.NetworkError)),
            attemptTimeout: 100,
            hang: true);

        Report("primary hangs (AttemptTimeout = 100 ms)", times);
    }

    private async Task<List<TimeSpan>> MeasureAsync(Func<MockEngine, IDisposable> fail, int? attemptTimeout, bool hang = false)
    {
        var times = new List<TimeSpan>();
        for (int trial = 0; trial < Trials; trial++)
        {
            var primary = new MockEngine(new MockOptions { Latency = TimeSpan.FromMilliseconds(1), MaxLatency = TimeSpan.FromMilliseconds(2), Seed = trial });
            var secondary = new MockEngine(new MockOptions { Latency = TimeSpan.FromMilliseconds(1), MaxLatency = TimeSpan.FromMilliseconds(2), Seed = trial + 1000 });
            var hanging = new HangingEngine(primary);
            await using var engine = new FailoverEngine(hanging, [new("backup", secondary)], new FailoverOptions { AttemptTimeout = attemptTimeout is { } ms ? TimeSpan.FromMilliseconds(ms) : null });
            for (int i = 0; i < 20; i++)
            {
                await engine.SaveAsync($"warm/{i}", new byte[] { 1 });
            }

            var clock = Stopwatch.StartNew();
            using (hang ? hanging.Hang() : fail(primary))
            {
                await engine.SaveAsync("after/failure", new byte[] { 1 });
                times.Add(clock.Elapsed);
                Assert.Equal("backup", engine.ActiveMember);
            }
        }

        return times;
    }

    private void Report(string scenario, List<TimeSpan> times)
    {
        var sorted = times.Select(t => t.TotalMilliseconds).Order().ToList();
        output.WriteLine($"failover switch, {scenario}: {Trials} trials, median {sorted[sorted.Count / 2]:0.0} ms, max {sorted[^1]:0.0} ms");
    }

    /// <summary>Wraps an engine so that, while hung, every call waits until cancelled.</summary>
    private sealed class HangingEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        private volatile bool _hung;

        public override string EngineType => "hanging";

        public IDisposable Hang()
        {
            _hung = true;
            return new Release(this);
        }

        protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
        {
            if (_hung)
            {
                await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
            }

            return await base.SaveCoreAsync(key, content, options, cancellationToken);
        }

        private sealed class Release(HangingEngine engine) : IDisposable
        {
            public void Dispose() => engine._hung = false;
        }
    }
}
