namespace Atomiton.Storage.Host.Progress;

/// <summary>
/// Runs a long operation while showing its progress: a live bar with rate and ETA on a terminal,
/// plain periodic lines when stderr is redirected, nothing for <c>--json</c>.
/// </summary>
internal abstract class ProgressDisplay
{
    /// <summary>Chooses the display for this run: <paramref name="quiet"/> (JSON output) shows nothing.</summary>
    public static ProgressDisplay For(bool quiet, Cli.CliEnvironment environment)
    {
        if (quiet)
        {
            return new SilentProgressDisplay();
        }

        return environment.IsTerminal
            ? new TerminalProgressDisplay(environment.Error)
            : new PlainProgressDisplay(environment.Error, environment.Time, environment.ProgressInterval);
    }

    /// <summary>Runs <paramref name="work"/>, reporting against a known <paramref name="total"/>.</summary>
    public abstract Task<T> RunAsync<T>(string description, long total, ProgressUnit unit, Func<IProgressReporter, Task<T>> work);
}
