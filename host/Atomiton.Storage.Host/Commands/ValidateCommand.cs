using System.CommandLine;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary><c>validate</c>: every problem of plugins.json at once (chains, types, options, secrets); exit 6 if any.</summary>
internal static class ValidateCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("validate", "Check plugins.json and every pipeline in it, reporting every problem at once (exit 6 if any).");
        runner.SetAction(command, (invocation, _) =>
        {
            var host = invocation.Source.Host;
            var problems = host.Validate();
            var failures = host.Catalogue.Failures;
            if (invocation.Json)
            {
                invocation.WriteJson(new
                {
                    configuration = invocation.Source.ConfigurationFile,
                    valid = problems.Count == 0,
                    problems = problems.Select(p => new { file = p.File, jsonPath = p.JsonPath, pipeline = p.Pipeline, pipelines = p.Pipeline is null ? [] : p.OtherPipelines.Prepend(p.Pipeline), stage = p.Stage, option = p.Option, message = p.Message, missingSecret = p.IsMissingSecret, text = p.ToString() }),
                    pluginFailures = failures.Select(f => new { plugin = f.Plugin, path = f.Path, reason = f.Reason }),
                });
            }
            else
            {
                foreach (var failure in failures)
                {
                    invocation.Out.WriteLine($"warning: {failure}");
                }

                foreach (var problem in problems)
                {
                    invocation.Out.WriteLine($"error: {problem}");
                }

                invocation.Out.WriteLine(problems.Count == 0
                    ? $"{invocation.Source.ConfigurationFile}: valid ({host.PipelineNames.Count} pipelines, {host.Catalogue.Providers.Count} providers)."
                    : $"{invocation.Source.ConfigurationFile}: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}.");
            }

            return Task.FromResult(problems.Count == 0 ? ExitCodes.Success : ExitCodes.Configuration);
        });
        return command;
    }
}
