using Atomiton.Storage.Mock;
using Atomiton.Storage.Resilience.Failover;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Atomiton.Storage.Benchmarks;

/// <summary>
/// Time from the primary failing to the first save served by the secondary (target: under 250 ms).
/// Each iteration builds a warmed failover pair of mocks (1–2 ms latency), breaks the primary —
/// erroring (NetworkError) or hanging (with a 100 ms attempt budget) — and measures one save.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 20)]
public class FailoverSwitchBenchmarks
{
    private static readonly byte[] Payload = [1, 2, 3];
    private FailoverEngine? _engine;
    private HangingEngine? _hanging;
    private IDisposable? _fault;
    private int _trial;

    /// <summary>How the primary fails.</summary>
    [Params("errors", "hangs")]
    public string Failure { get; set; } = "errors";

    [IterationSetup]
    public void BreakPrimary()
    {
        _trial++;
        var primary = new MockEngine(new MockOptions { Latency = TimeSpan.FromMilliseconds(1), MaxLatency = TimeSpan.FromMilliseconds(2), Seed = _trial });
        var secondary = new MockEngine(new MockOptions { Latency = TimeSpan.FromMilliseconds(1), MaxLatency = TimeSpan.FromMilliseconds(2), Seed = _trial + 1000 });
        _hanging = new HangingEngine(primary);
        TimeSpan? budget = Failure == "hangs" ? TimeSpan.FromMilliseconds(100) : null;
        _engine = new FailoverEngine(_hanging, [new("backup", secondary)], new FailoverOptions { AttemptTimeout = budget });
        for (int i = 0; i < 20; i++)
        {
            _engine.SaveAsync($"warm/{i}", Payload).AsTask().GetAwaiter().GetResult();
        }

        _fault = Failure == "hangs" ? _hanging.Hang() : primary.Faults.FailAll(StorageErrorCode.NetworkError);
    }

    [Benchmark(Description = "first save after the primary fails")]
    public async Task<StorageItem> FirstSaveAfterPrimaryFails()
    {
        var engine = _engine!;
        var item = await engine.SaveAsync("after/failure", Payload);
        return engine.ActiveMember == "backup" ? item : throw new InvalidOperationException("The save was not served by the secondary.");
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _fault?.Dispose();
        _engine?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>While hung, every save waits until cancelled (by the failover's attempt budget).</summary>
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
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return await base.SaveCoreAsync(key, content, options, cancellationToken);
        }

        private sealed class Release(HangingEngine engine) : IDisposable
        {
            public void Dispose() => engine._hung = false;
        }
    }
}
