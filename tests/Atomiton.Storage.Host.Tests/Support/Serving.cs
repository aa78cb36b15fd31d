namespace Atomiton.Storage.Host.Tests.Support;

/// <summary>A long-running command (<c>serve</c>, <c>emulate</c>) started in the test process: wait for its lines, then stop it as Ctrl+C would.</summary>
internal sealed class Serving : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly CliConsole _console = new();
    private readonly Task<InProcessResult> _run;

    public Serving(InProcessCli cli, params string[] arguments)
    {
        _run = cli.RunAsync(_console, _stop.Token, arguments);
    }

    /// <summary>The "Serving pipeline …" line, once written.</summary>
    public Task<string> BannerAsync() => LineAsync(line => line.StartsWith("Serving ", StringComparison.Ordinal));

    public Task<string> FirstLineAsync() => LineAsync(_ => true);

    public async Task<InProcessResult> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run.WaitAsync(Patience);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task<string> LineAsync(Func<string, bool> match)
    {
        var line = _console.Out.WaitForLineAsync(match);
        if (await Task.WhenAny(line, _run).WaitAsync(Patience) != line)
        {
            Assert.Fail($"the command ended before printing the line:\n{await _run}");
        }

        return await line;
    }
}
