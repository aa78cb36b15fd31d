namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>A clock that moves only when told to.</summary>
public sealed class FrozenClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
