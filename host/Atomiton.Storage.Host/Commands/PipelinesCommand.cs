using System.CommandLine;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary><c>pipelines</c>: each pipeline's chain (stage → provider type) and its effective capabilities.</summary>
internal static class PipelinesCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("pipelines", "List the pipelines: their chain, outermost stage first, and their effective capabilities.");
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            var host = invocation.Source.Host;
            var views = new List<PipelineView>();
            foreach (string name in host.PipelineNames)
            {
                views.Add(await DescribeAsync(invocation, name, cancellationToken));
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
                    : $"  unavailable: {view.Problem}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<PipelineView> DescribeAsync(Invocation invocation, string name, CancellationToken cancellationToken)
    {
        var configuration = invocation.Source.Host.Configuration;
        var definition = configuration.Pipelines[name];
        var chain = definition.Chain
            .Select(element => new StageView(element, configuration.Stages.TryGetValue(element, out var stage) ? stage.Type ?? "?" : element))
            .ToList();
        bool isDefault = string.Equals(name, invocation.Source.Host.DefaultPipeline, StringComparison.OrdinalIgnoreCase);
        try
        {
            await using var engine = await invocation.OpenPipelineAsync(cancellationToken, name);
            return new PipelineView(name, isDefault, chain, CapabilityNames.Of(engine.Capabilities), null);
        }
        catch (StorageException e)
        {
            return new PipelineView(name, isDefault, chain, null, e.Message.ReplaceLineEndings(" "));
        }
    }

    private sealed record StageView(string Stage, string Type);

    private sealed record PipelineView(string Name, bool IsDefault, IReadOnlyList<StageView> Chain, IReadOnlyList<string>? Capabilities, string? Problem);
}
