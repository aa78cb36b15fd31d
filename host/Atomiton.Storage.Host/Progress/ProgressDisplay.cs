namespace Atomiton.Storage.Host.Progress;

/// <summary>
/// Runs a long operation while showing its progress: a live bar with rate and ETA on a terminal,
/// plain periodic lines when stderr is redirected, nothing for <c>--json</c>.
/// </summary>
internal abstract class ProgressDisplay
{
    /// <summary>Chooses the display for this process: <paramref name="quiet"/> (JSON output) shows nothing.</summary>
    public static ProgressDisplay For(bool quiet, TextWriter error)
    {
        if (quiet)
        {
            return new SilentProgressDisplay();
        }

        return Console.IsErrorRedirected || Console.IsOutputRedirected
            ? new PlainProgressDisplay(error, TimeProvider.System, TimeSpan.FromSeconds(2))
            : new TerminalProgressDisplay();
    }

    /// <summary>Runs <paramref name="work"/>, reporting against a known <paramref name="total"/>.</summary>
    public abstract Task<T> RunAsync<T>(string description, long total, ProgressUnit unit, Func<IProgressReporter, Task<T>> work);
}
