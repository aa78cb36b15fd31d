namespace Atomiton.Storage.Host.Progress;

/// <summary>Shows nothing (machine-readable output).</summary>
internal sealed class SilentProgressDisplay : ProgressDisplay, IProgressReporter
{
    public override Task<T> RunAsync<T>(string description, long total, ProgressUnit unit, Func<IProgressReporter, Task<T>> work) => work(this);

    public void Advance(long units)
    {
    }
}
