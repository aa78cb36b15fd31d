using System.CommandLine;
using System.Text.Json;
using Atomiton.Storage.Host.Pipelines;
using Atomiton.Storage.Host.Progress;

namespace Atomiton.Storage.Host.Cli;

/// <summary>
/// One run of one command: the global options as parsed, where to print, and the pipelines of the
/// configuration (loaded on first use, so commands that need none never touch plugins.json).
/// </summary>
internal sealed class Invocation : IDisposable
{
    private readonly string? _configOption;
    private IPipelineSource? _source;

    public Invocation(ParseResult parseResult, GlobalOptions options, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        ParseResult = parseResult;
        Environment = environment;
        _configOption = parseResult.GetValue(options.Config);
        Pipeline = parseResult.GetValue(options.Pipeline);
        Json = parseResult.GetValue(options.Json);
        Verbose = parseResult.GetValue(options.Verbose);
    }

    public ParseResult ParseResult { get; }

    /// <summary>The console, working folder and configuration folders of this run.</summary>
    public CliEnvironment Environment { get; }

    /// <summary>The <c>--config</c> given, or null when the configuration is looked for.</summary>
    public string? ConfigOption => _configOption;

    /// <summary>The <c>--pipeline</c> given, or null for the default.</summary>
    public string? Pipeline { get; }

    public bool Json { get; }

    public bool Verbose { get; }

    /// <summary>Results (stdout).</summary>
    public TextWriter Out => Environment.Out;

    /// <summary>Errors, notes and progress (stderr).</summary>
    public TextWriter Error => Environment.Error;

    /// <summary>The configuration and its pipelines; loads plugins.json and the plugins on first use.</summary>
    public IPipelineSource Source
    {
        get
        {
            if (_source is null)
            {
                var (path, note) = ConfigurationLocator.Locate(_configOption, Environment);
                if (note is not null)
                {
                    Error.WriteLine(note);
                }

                _source = Environment.LoadPipelines(path, ResolvePath(path));
            }

            return _source;
        }
    }

    /// <summary>Builds the engine of <paramref name="pipeline"/> (default: <c>--pipeline</c>, else the default pipeline).</summary>
    public ValueTask<IStorageEngine> OpenPipelineAsync(CancellationToken cancellationToken, string? pipeline = null) =>
        Source.OpenAsync(pipeline ?? Pipeline, cancellationToken);

    /// <summary>The full path of a path given on the command line (relative to the working folder).</summary>
    public string ResolvePath(string path) => Environment.ResolvePath(path);

    /// <summary>How long work shows its progress: nothing with <c>--json</c>, else as fits the terminal.</summary>
    public ProgressDisplay Progress() => ProgressDisplay.For(Json, Environment);

    /// <summary>Writes <paramref name="value"/> as indented JSON on stdout.</summary>
    public void WriteJson(object value) => Out.WriteLine(JsonSerializer.Serialize(value, JsonOutput.Indented));

    /// <summary>Writes a note to stderr unless JSON output was asked for.</summary>
    public void Note(string message)
    {
        if (!Json)
        {
            Error.WriteLine(message);
        }
    }

    public void Dispose() => _source?.Dispose();
}
