namespace Atomiton.Storage.Testing;

/// <summary>
/// The kit's clock: the system clock plus an offset the kit can move, forwards or back, so a case can
/// make time go back under an engine that takes a <see cref="TimeProvider"/>. Timers and timestamps
/// stay the system's, so timeouts and delays inside the engine behave as in production.
/// </summary>
internal sealed class KitClock : TimeProvider
{
    private long _offsetTicks;

    /// <summary>How far this clock is from the system clock.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <summary>Moves the clock by <paramref name="delta"/> (negative: back in time).</summary>
    public void Move(TimeSpan delta) => Interlocked.Add(ref _offsetTicks, delta.Ticks);
}
