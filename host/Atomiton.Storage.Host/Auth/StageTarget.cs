using Atomiton.Storage.Host.Cli;
using Atomiton.Storage.Hosting;
using Atomiton.Storage.Providers;
using Quickenshtein;

namespace Atomiton.Storage.Host.Auth;

/// <summary>
/// The <c>&lt;pipeline&gt;/&lt;stage&gt;</c> an <c>auth</c> command names, resolved against the
/// configuration into the stage's provider, options and context — or a usage, not-found or
/// "does not sign in" error that names what exists.
/// </summary>
internal static class StageTarget
{
    /// <summary>Splits <c>pipeline/stage</c>; <paramref name="stageRequired"/> false also accepts <c>pipeline</c> alone.</summary>
    public static (string Pipeline, string? Stage) Parse(string target, bool stageRequired)
    {
        string[] parts = target.Split('/');
        bool valid = parts.Length switch
        {
            1 => !stageRequired && parts[0].Length > 0,
            2 => parts[0].Length > 0 && parts[1].Length > 0,
            _ => false,
        };
        return valid
            ? (parts[0], parts.Length == 2 ? parts[1] : null)
            : throw new CommandLineException(ExitCodes.Usage,
                $"'{target}' does not name a stage: write <pipeline>/<stage>, such as photos/drive{(stageRequired ? "" : " (or a pipeline alone)")}. 'atomiton-storage auth status' lists the stages that sign in.");
    }

    /// <summary>The stages of <paramref name="pipeline"/> (resolved case-insensitively, unknown names suggested).</summary>
    public static IReadOnlyList<StorageStage> StagesOf(Invocation invocation, string pipeline, IStorageAuthorizationPrompt? prompt)
    {
        var host = invocation.Source.Host;
        if (!host.PipelineNames.Any(name => string.Equals(name, pipeline, StringComparison.OrdinalIgnoreCase)))
        {
            throw new CommandLineException(ExitCodes.NotFound,
                $"Unknown pipeline '{pipeline}' in {invocation.Source.ConfigurationFile}.{Suggest(pipeline, host.PipelineNames)} Declared pipelines: {string.Join(", ", host.PipelineNames)}.");
        }

        return host.GetStages(pipeline, prompt);
    }

    /// <summary>The stage <paramref name="stage"/> of <paramref name="pipeline"/>, which must sign in.</summary>
    public static (StorageStage Stage, IStorageSignInProvider SignIn) Resolve(Invocation invocation, string pipeline, string stage, IStorageAuthorizationPrompt? prompt)
    {
        var stages = StagesOf(invocation, pipeline, prompt);
        var found = stages.FirstOrDefault(s => string.Equals(s.StageName, stage, StringComparison.OrdinalIgnoreCase));
        if (found is null)
        {
            var names = stages.Select(s => s.StageName).ToList();
            throw new CommandLineException(ExitCodes.NotFound,
                $"Pipeline '{stages[0].PipelineName}' has no stage '{stage}'.{Suggest(stage, names)} Its stages: {string.Join(", ", stages.Select(s => $"{s.StageName} ({s.ProviderName})"))}; {SignInNote(stages)}");
        }

        return (found, found.SignIn ?? throw new CommandLineException(ExitCodes.Usage,
            $"Stage '{found.StageName}' (type {found.ProviderName}) of pipeline '{found.PipelineName}' does not sign in: its provider keeps no sign-in (its secrets, if any, come from plugins.json). {SignInNote(stages)}"));
    }

    private static string SignInNote(IReadOnlyList<StorageStage> stages)
    {
        var signing = stages.Where(s => s.SignIn is not null).Select(s => $"{s.PipelineName}/{s.StageName}").ToList();
        return signing.Count == 0
            ? $"no stage of pipeline '{stages[0].PipelineName}' signs in."
            : $"the ones that sign in: {string.Join(", ", signing)}.";
    }

    private static string Suggest(string word, IEnumerable<string> names)
    {
        string? closest = names
            .Select(name => (Name: name, Distance: Levenshtein.GetDistance(word.ToLowerInvariant(), name.ToLowerInvariant())))
            .Where(candidate => candidate.Distance <= Math.Clamp((word.Length + 2) / 3, 1, 3))
            .OrderBy(candidate => candidate.Distance)
            .ThenBy(candidate => candidate.Name, StringComparer.Ordinal)
            .Select(candidate => candidate.Name)
            .FirstOrDefault();
        return closest is null ? "" : $" Did you mean '{closest}'?";
    }
}
