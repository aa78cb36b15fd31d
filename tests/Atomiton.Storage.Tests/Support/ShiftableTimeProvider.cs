namespace Atomiton.Storage.Tests.Support;

/// <summary>
/// The system clock moved forward by <see cref="Offset"/>: timers and timestamps stay real (waits
/// time out as usual), while the wall clock can jump past a retention period without sleeping.
/// </summary>
internal sealed class ShiftableTimeProvider : TimeProvider
{
    public TimeSpan Offset { get; private set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;

    public void Shift(TimeSpan by) => Offset += by;
}
