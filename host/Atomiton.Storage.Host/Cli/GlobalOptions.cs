using System.CommandLine;

namespace Atomiton.Storage.Host.Cli;

/// <summary>The options every command accepts: where the configuration is, which pipeline, how to print.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Config { get; } = new("--config", "-c")
    {
        Description = "The plugins.json to use. Default: ./plugins.json, then the user's config folder (created from the tool's bundled one on first use).",
        Recursive = true,
    };

    public Option<string?> Pipeline { get; } = new("--pipeline", "-p")
    {
        Description = "The pipeline to operate on. Default: the configuration's defaultPipeline.",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print machine-readable JSON instead of text (errors too, on stderr).",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Print more detail: every object a migration handles, and stack traces with errors.",
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        command.Add(Config);
        command.Add(Pipeline);
        command.Add(Json);
        command.Add(Verbose);
    }
}
