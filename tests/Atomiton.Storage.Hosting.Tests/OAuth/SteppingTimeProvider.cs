namespace Atomiton.Storage.Hosting.Tests.OAuth;

/// <summary>
/// A clock that moves only when someone waits on it: each timer advances the clock by
/// <see cref="Step"/> of its due time and fires at once, so polling loops run without real waits.
/// </summary>
internal sealed class SteppingTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far a timer of a given due time moves the clock (default: all of it).</summary>
    public Func<TimeSpan, TimeSpan> Step { get; set; } = due => due;

    /// <summary>Runs before each timer fires (the test acts as the user between two polls).</summary>
    public Action<int>? OnWait { get; set; }

    private int _waits;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            Advance(Step(dueTime));
            OnWait?.Invoke(Interlocked.Increment(ref _waits));
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new NeverTimer();
    }

    private sealed class NeverTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
