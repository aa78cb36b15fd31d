using System.CommandLine;
using System.Globalization;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary><c>info</c>: the pipeline's engines, outermost first, with capabilities, limits and details.</summary>
internal static class InfoCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("info", "Show the pipeline's engines, capabilities, limits and connection details.");
        runner.SetAction(command, async (invocation, cancellationToken) =>
        {
            string pipeline = invocation.Source.ResolveName(invocation.Pipeline);
            await using var engine = await invocation.OpenPipelineAsync(cancellationToken);
            var info = await engine.GetInfoAsync(cancellationToken);
            if (invocation.Json)
            {
                invocation.WriteJson(new { pipeline, info = InfoView.Of(info) });
                return ExitCodes.Success;
            }

            Write(invocation.Out, pipeline, info);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static void Write(TextWriter writer, string pipeline, StorageInfo info)
    {
        writer.WriteLine($"pipeline '{pipeline}'");
        int depth = 1;
        for (var level = info; level is not null; level = level.Inner, depth++)
        {
            string indent = new(' ', depth * 2);
            writer.WriteLine($"{indent}{level.EngineType} on {level.Platform}, {(level.IsConnected ? "connected" : "NOT connected")}");
            writer.WriteLine($"{indent}  capabilities: {string.Join(", ", CapabilityNames.Of(level.Capabilities))}");
            var limits = new List<string>();
            AddLimit(limits, "max object size", level.Limits.MaxObjectSize);
            AddLimit(limits, "max items", level.Limits.MaxItems);
            AddLimit(limits, "quota used", level.Limits.QuotaUsed);
            AddLimit(limits, "quota total", level.Limits.QuotaTotal);
            if (limits.Count > 0)
            {
                writer.WriteLine($"{indent}  limits: {string.Join(", ", limits)}");
            }

            foreach (var (name, value) in level.Details.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                writer.WriteLine($"{indent}  {name}: {value}");
            }
        }
    }

    private static void AddLimit(List<string> limits, string name, long? value)
    {
        if (value is { } v)
        {
            limits.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {v}"));
        }
    }
}
