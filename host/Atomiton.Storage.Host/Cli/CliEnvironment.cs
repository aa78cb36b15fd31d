using Atomiton.Storage.Host.Pipelines;

namespace Atomiton.Storage.Host.Cli;

/// <summary>
/// What one run of the command line sees of the world: where it prints, its standard input and
/// output, whether it runs on a terminal, its working folder, where the user's and the tool's
/// configuration live, and its clock. <see cref="FromProcess"/> is the real process; tests build
/// their own so that many runs share one test process without touching the global console or
/// the current directory.
/// </summary>
internal sealed class CliEnvironment
{
    /// <summary>Results (stdout), as text.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Errors, notes and progress (stderr).</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Opens standard input as bytes (<c>put key -</c>).</summary>
    public required Func<Stream> OpenStandardInput { get; init; }

    /// <summary>Opens standard output as bytes (<c>get key -</c>); the caller disposes it.</summary>
    public required Func<Stream> OpenStandardOutput { get; init; }

    /// <summary>Whether stdout and stderr are a terminal (a live progress bar) rather than redirected (plain progress lines).</summary>
    public bool IsTerminal { get; init; }

    /// <summary>The folder relative paths on the command line resolve against, and where <c>./plugins.json</c> is looked for.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The user's config folder: <c>~/.config/atomiton-storage</c> on Linux, <c>%APPDATA%\atomiton-storage</c> on Windows.</summary>
    public required string UserConfigurationDirectory { get; init; }

    /// <summary>The folder the tool is installed in, holding its bundled <c>plugins.json</c> and <c>plugins/</c>.</summary>
    public required string ToolDirectory { get; init; }

    /// <summary>The executable that started this process (the tool's launcher, or <c>dotnet</c>), to tell the user how to run it again.</summary>
    public string? ProcessPath { get; init; }

    /// <summary>The PATH the tool's launcher would be found on.</summary>
    public string? SearchPath { get; init; }

    /// <summary>The clock progress displays use.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often plain (redirected) progress prints a line.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether Ctrl+C and SIGTERM cancel the running command (the real process); off where a caller cancels by token.</summary>
    public bool HandlesTermination { get; init; }

    /// <summary>
    /// Loads a configuration file into pipelines: given the file as the user named it and its full
    /// path. Default: the plugin host (<see cref="HostedPipelineSource.Load"/>).
    /// </summary>
    public Func<string, string, IPipelineSource> LoadPipelines { get; init; } = HostedPipelineSource.Load;

    /// <summary>This process: the console, the current directory, the user's application-data folder, the tool's own folder.</summary>
    public static CliEnvironment FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        OpenStandardInput = Console.OpenStandardInput,
        OpenStandardOutput = Console.OpenStandardOutput,
        IsTerminal = !Console.IsErrorRedirected && !Console.IsOutputRedirected,
        WorkingDirectory = Environment.CurrentDirectory,
        UserConfigurationDirectory = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "atomiton-storage"),
        ToolDirectory = AppContext.BaseDirectory,
        ProcessPath = Environment.ProcessPath,
        SearchPath = Environment.GetEnvironmentVariable("PATH"),
        HandlesTermination = true,
    };

    /// <summary>The full path of <paramref name="path"/>, relative ones taken from <see cref="WorkingDirectory"/>.</summary>
    /// <exception cref="CommandLineException">Usage: the path is empty (it would otherwise name the working folder itself).</exception>
    public string ResolvePath(string path) => string.IsNullOrEmpty(path)
        ? throw new CommandLineException(ExitCodes.Usage, "An empty path was given where a file or folder is needed; name one.")
        : Path.GetFullPath(path, WorkingDirectory);
}
