using System.CommandLine;
using System.Globalization;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary>
/// <c>pipelines</c>: each pipeline's chain (stage → provider type) and its effective capabilities,
/// found by building it within a time limit (a cloud stage connects to its server).
/// </summary>
internal static class PipelinesCommand
{
    internal const string Available = "available";
    internal const string Unavailable = "unavailable";
    internal const string NotChecked = "not checked";

    public static Command Create(CommandRunner runner)
    {
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for each pipeline to be built (a cloud stage connects to its server); one not ready by then is listed as 'not checked'. Default: 5.",
            DefaultValueFactory = _ => 5,
        };
        var command = new Command("pipelines", "List the pipelines: their chain, outermost stage first, and their effective capabilities.") { timeout };
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            double seconds = invocation.ParseResult.GetValue(timeout);
            if (!(seconds > 0 && seconds <= 3600))
            {
                throw new CommandLineException(ExitCodes.Usage, "--timeout must be a number of seconds above 0 and at most 3600, such as 5 or 0.5.");
            }

            var host = invocation.Source.Host;
            var views = new List<PipelineView>();
            foreach (string name in host.PipelineNames)
            {
                views.Add(await DescribeAsync(invocation, name, TimeSpan.FromSeconds(seconds), cancellationToken));
            }

            if (invocation.Json)
            {
                invocation.WriteJson(new { configuration = invocation.Source.ConfigurationFile, defaultPipeline = host.DefaultPipeline, pipelines = views });
                return ExitCodes.Success;
            }

            foreach (var view in views)
            {
                invocation.Out.WriteLine($"{view.Name}{(view.IsDefault ? " (default)" : "")}: {string.Join(" -> ", view.Chain.Select(s => s.Stage == s.Type ? s.Type : $"{s.Stage} ({s.Type})"))}");
                invocation.Out.WriteLine(view.Capabilities is { } capabilities
                    ? $"  capabilities: {string.Join(", ", capabilities)}"
                    : $"  {view.Status}: {view.Problem}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<PipelineView> DescribeAsync(Invocation invocation, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var configuration = invocation.Source.Host.Configuration;
        var definition = configuration.Pipelines[name];
        var chain = definition.Chain
            .Select(element => new StageView(element, configuration.Stages.TryGetValue(element, out var stage) ? stage.Type ?? "?" : element))
            .ToList();
        bool isDefault = string.Equals(name, invocation.Source.Host.DefaultPipeline, StringComparison.OrdinalIgnoreCase);
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(timeout);
        try
        {
            await using var engine = await invocation.OpenPipelineAsync(probe.Token, name);
            return new PipelineView(name, isDefault, chain, Available, CapabilityNames.Of(engine.Capabilities), null);
        }
        catch (Exception e) when (e is OperationCanceledException or StorageException && probe.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            string waited = timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            return new PipelineView(name, isDefault, chain, NotChecked, null,
                $"not built within {waited} s (a stage's server may be down or slow). Run 'atomiton-storage info --pipeline {name}' to wait for it, or pass a longer --timeout.");
        }
        catch (StorageException e)
        {
            return new PipelineView(name, isDefault, chain, Unavailable, null, e.Message.ReplaceLineEndings(" "));
        }
    }

    private sealed record StageView(string Stage, string Type);

    // Status: available, unavailable (Problem says why) or not checked (not built within the time limit).
    private sealed record PipelineView(string Name, bool IsDefault, IReadOnlyList<StageView> Chain, string Status, IReadOnlyList<string>? Capabilities, string? Problem);
}
