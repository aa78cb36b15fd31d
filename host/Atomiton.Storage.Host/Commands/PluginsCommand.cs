using System.CommandLine;
using Atomiton.Storage.Host.Cli;

namespace Atomiton.Storage.Host.Commands;

/// <summary>
/// <c>plugins</c>: every provider the host found; for each plugin, its load context and the versions of its own
/// assemblies that differ from the host's (so an operator sees the isolation); every plugin that failed to load with why.
/// </summary>
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
            var plugins = catalogue.Plugins.Select(p => new
            {
                name = p.Name,
                folder = p.Directory,
                loadContext = p.LoadContext,
                providers = p.ProviderNames,
                differingDependencies = p.DifferingDependencies.Select(d => new { name = d.Name, version = d.Version, hostVersion = d.HostVersion }).ToList(),
            }).ToList();
            if (invocation.Json)
            {
                invocation.WriteJson(new { configuration = invocation.Source.ConfigurationFile, pluginDirectories = invocation.Source.Host.Configuration.PluginDirectories, providers, plugins, failures });
                return Task.FromResult(ExitCodes.Success);
            }

            var table = new TableWriter("NAME", "KIND", "PLUGIN", "VERSION", "STATUS", "FOLDER");
            foreach (var p in providers)
            {
                table.Add(p.name, p.kind, p.plugin, p.version, p.status, p.folder);
            }

            table.WriteTo(invocation.Out);
            foreach (var plugin in plugins)
            {
                string own = plugin.differingDependencies.Count == 0
                    ? "every assembly it ships is at the host's version"
                    : "it runs with its own " + string.Join(", ", plugin.differingDependencies.Select(d => $"{d.name} {d.version} ({(d.hostVersion is null ? "not in the host" : "host " + d.hostVersion)})"));
                invocation.Out.WriteLine($"plugin '{plugin.name}': load context '{plugin.loadContext}' (isolated; the contract is the host's); {own}");
            }

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
