using System.Text;
using System.Text.Json;
using Atomiton.Storage.Host.Cli;
using Atomiton.Storage.Host.Pipelines;

namespace Atomiton.Storage.Host.Tests.Support;

/// <summary>
/// Runs <c>atomiton-storage</c> inside the test process (so coverage sees it): the real parser and
/// commands, with captured stdout/stderr, a given stdin, a working folder and private user and tool
/// config folders, never the global console or current directory, so tests run in parallel.
/// </summary>
internal sealed record InProcessCli
{
    public InProcessCli(string workingDirectory)
    {
        WorkingDirectory = workingDirectory;
        UserConfigurationDirectory = Path.Combine(workingDirectory, ".config", "atomiton-storage");
        ToolDirectory = Path.Combine(workingDirectory, ".tool");
    }

    public string WorkingDirectory { get; init; }

    public string UserConfigurationDirectory { get; init; }

    public string ToolDirectory { get; init; }

    /// <summary>Whether the run believes it is on a terminal (live progress bar instead of plain lines).</summary>
    public bool IsTerminal { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The executable the run believes started it (how its hints say to run the tool again).</summary>
    public string? ProcessPath { get; init; }

    /// <summary>The PATH the run believes it has.</summary>
    public string? SearchPath { get; init; }

    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Wraps the pipelines a run loads (to decorate an engine); null keeps them as loaded.</summary>
    public Func<IPipelineSource, IPipelineSource>? DecoratePipelines { get; init; }

    public Task<InProcessResult> RunAsync(params string[] arguments) => RunAsync(new CliConsole(), CancellationToken.None, arguments);

    public Task<InProcessResult> RunWithInputAsync(byte[] input, params string[] arguments) => RunAsync(new CliConsole { Input = input }, CancellationToken.None, arguments);

    public async Task<InProcessResult> RunAsync(CliConsole console, CancellationToken cancellationToken, params string[] arguments)
    {
        var environment = new CliEnvironment
        {
            Out = console.Out,
            Error = console.Error,
            OpenStandardInput = () => new MemoryStream(console.Input, writable: false),
            OpenStandardOutput = () => console.StandardOutput,
            IsTerminal = IsTerminal,
            WorkingDirectory = WorkingDirectory,
            UserConfigurationDirectory = UserConfigurationDirectory,
            ToolDirectory = ToolDirectory,
            ProcessPath = ProcessPath,
            SearchPath = SearchPath,
            Time = Time,
            ProgressInterval = ProgressInterval,
            LoadPipelines = (name, path) => DecoratePipelines is null ? HostedPipelineSource.Load(name, path) : DecoratePipelines(HostedPipelineSource.Load(name, path)),
        };
        int exitCode = await CliApplication.RunAsync(arguments, environment, cancellationToken);
        return new InProcessResult(exitCode, console.Out.ToString(), console.Error.ToString(), console.StandardOutput.ToArray());
    }
}

/// <summary>The standard streams of one in-process run.</summary>
internal sealed class CliConsole
{
    public byte[] Input { get; init; } = [];

    public CapturingWriter Out { get; } = new();

    public CapturingWriter Error { get; } = new();

    /// <summary>Bytes written to standard output as a stream (<c>get key -</c>); readable after the run disposed it.</summary>
    public MemoryStream StandardOutput { get; } = new();
}

/// <summary>What one in-process run printed and returned.</summary>
internal sealed record InProcessResult(int ExitCode, string Output, string Error, byte[] StandardOutputBytes)
{
    public JsonElement Json() => JsonDocument.Parse(Output).RootElement;

    public JsonElement ErrorJson() => JsonDocument.Parse(Error).RootElement;

    public string[] OutputLines => Split(Output);

    public string[] ErrorLines => Split(Error);

    public string StandardOutputText => Encoding.UTF8.GetString(StandardOutputBytes);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";

    private static string[] Split(string text) => text.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
