using System.Reflection;
using Atomiton.Storage.Hosting.Discovery;

namespace Atomiton.Storage.Hosting.Catalogue;

/// <summary>
/// Builds the catalogue: scans the core assemblies, then every plugin folder of every plugin
/// directory (in the configured order, folders in ordinal order). The first provider to claim a
/// name keeps it; a later one is reported as a duplicate and ignored.
/// </summary>
internal static class ProviderCatalogueBuilder
{
    public static ProviderCatalogue Build(IEnumerable<Assembly> builtInAssemblies, IEnumerable<string> pluginDirectories)
    {
        var providers = new List<ProviderRegistration>();
        var plugins = new List<LoadedPlugin>();
        var failures = new List<PluginLoadFailure>();
        var byName = new Dictionary<string, ProviderRegistration>(StringComparer.Ordinal);

        foreach (var assembly in builtInAssemblies.Distinct())
        {
            string source = $"{ProviderRegistration.BuiltInPrefix} ({assembly.GetName().Name})";
            var (found, problems) = ProviderTypeScanner.Scan(assembly);
            failures.AddRange(problems.Select(p => new PluginLoadFailure(source, assembly.Location, p)));
            foreach (var provider in found)
            {
                Register(new ProviderRegistration(provider, source, assembly.Location), byName, providers, failures);
            }
        }

        foreach (string directory in pluginDirectories.Distinct(StringComparer.Ordinal))
        {
            if (!Directory.Exists(directory))
            {
                failures.Add(new PluginLoadFailure(directory, directory,
                    "the plugin directory does not exist. Build the plugins (dotnet build lays them out there) or fix pluginDirectories."));
                continue;
            }

            foreach (string folder in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
            {
                var result = PluginFolderLoader.Load(folder);
                failures.AddRange(result.Failures);
                if (result.Loader is null)
                {
                    continue;
                }

                var names = new List<string>();
                foreach (var provider in result.Providers)
                {
                    if (Register(new ProviderRegistration(provider, result.Name, result.AssemblyPath), byName, providers, failures))
                    {
                        names.Add(provider.Name);
                    }
                }

                plugins.Add(new LoadedPlugin(result.Name, result.Directory, result.AssemblyPath, names)
                {
                    LoadContext = PluginIsolation.DescribeContext(result.Loader.LoadContext, result.Name),
                    DifferingDependencies = PluginIsolation.DifferingDependencies(result.Directory, result.AssemblyPath),
                });
            }
        }

        return new ProviderCatalogue(providers, plugins, failures);
    }

    private static bool Register(ProviderRegistration registration, Dictionary<string, ProviderRegistration> byName, List<ProviderRegistration> providers, List<PluginLoadFailure> failures)
    {
        if (byName.TryGetValue(registration.Name, out var first))
        {
            failures.Add(new PluginLoadFailure(registration.Source, registration.Path,
                $"provider name '{registration.Name}' is already taken by {Describe(first)}; this one ({registration.Provider.GetType().FullName}) is ignored. Rename one of the providers or remove one of the plugins."));
            return false;
        }

        byName.Add(registration.Name, registration);
        providers.Add(registration);
        return true;
    }

    internal static string Describe(ProviderRegistration registration) =>
        registration.IsBuiltIn ? $"the {registration.Source} provider" : $"plugin '{registration.Source}' at '{registration.Path}'";
}
