using System.CommandLine;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary><c>plugins</c>: every provider the host found, and every plugin that failed to load with why.</summary>
internal static class PluginsCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("plugins", "List every provider found (built-in and from plugin folders) and every plugin that failed to load.");
        runner.SetAction(command, (invocation, _) =>
        {
            var catalogue = invocation.Source.Host.Catalogue;
            var providers = catalogue.Providers.Select(p => new
            {
                name = p.Name,
                kind = p.Kind.ToString().ToLowerInvariant(),
                plugin = p.Source,
                version = p.Provider.GetType().Assembly.GetName().Version?.ToString() ?? "?",
                folder = Path.GetDirectoryName(p.Path) ?? p.Path,
                status = "loaded",
                description = p.Provider.Description,
            }).ToList();
            var failures = catalogue.Failures.Select(f => new { plugin = f.Plugin, path = f.Path, status = "failed", reason = f.Reason }).ToList();
            if (invocation.Json)
            {
                invocation.WriteJson(new { configuration = invocation.Source.ConfigurationFile, pluginDirectories = invocation.Source.Host.Configuration.PluginDirectories, providers, failures });
                return Task.FromResult(ExitCodes.Success);
            }

            var table = new TableWriter("NAME", "KIND", "PLUGIN", "VERSION", "STATUS", "FOLDER");
            foreach (var p in providers)
            {
                table.Add(p.name, p.kind, p.plugin, p.version, p.status, p.folder);
            }

            table.WriteTo(invocation.Out);
            foreach (var failure in failures)
            {
                invocation.Out.WriteLine($"FAILED plugin '{failure.plugin}' at {failure.path}: {failure.reason}");
            }

            if (invocation.Source.Host.Configuration.PluginDirectories.Count == 0)
            {
                invocation.Note($"note: {invocation.Source.ConfigurationFile} declares no pluginDirectories; only built-in providers are available.");
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
