using Spectre.Console;

namespace Atomiton.Storage.Host.Progress;

/// <summary>A live progress bar on the terminal (stderr) with percentage, rate and remaining time.</summary>
internal sealed class TerminalProgressDisplay : ProgressDisplay
{
    private readonly TextWriter _error;

    public TerminalProgressDisplay(TextWriter error)
    {
        _error = error;
    }

    public override async Task<T> RunAsync<T>(string description, long total, ProgressUnit unit, Func<IProgressReporter, Task<T>> work)
    {
        // ProgressDisplay.For already decided this is a terminal; Spectre's own guess (TERM, CI variables)
        // must not turn the bar off, or a long transfer would show no progress at all.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_error), Interactive = InteractionSupport.Yes });
        var columns = new List<ProgressColumn> { new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn() };
        if (unit == ProgressUnit.Bytes)
        {
            columns.Add(new DownloadedColumn());
            columns.Add(new TransferSpeedColumn());
        }

        columns.Add(new RemainingTimeColumn());
        return await console.Progress()
            .AutoClear(false)
            .Columns([.. columns])
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1));
                var result = await work(new Reporter(task));
                task.Value = task.MaxValue;
                return result;
            });
    }

    private sealed class Reporter : IProgressReporter
    {
        private readonly ProgressTask _task;

        public Reporter(ProgressTask task)
        {
            _task = task;
        }

        public void Advance(long units) => _task.Increment(units);
    }
}
