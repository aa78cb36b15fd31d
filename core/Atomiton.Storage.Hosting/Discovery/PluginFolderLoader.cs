using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Atomiton.Storage.Providers;
using McMaster.NETCore.Plugins;

namespace Atomiton.Storage.Hosting.Discovery;

/// <summary>
/// Loads one plugin folder into its own load context. Only the contract assembly is shared with
/// the host (<c>PreferSharedTypes</c> stays off), so each plugin uses its own dependency versions.
/// Every failure becomes a <see cref="PluginLoadFailure"/>; nothing here throws for a bad plugin.
/// </summary>
internal static class PluginFolderLoader
{
    /// <summary>The folder holding the shared frameworks (…/dotnet/shared/), whose assemblies every plugin takes from the host.</summary>
    private static readonly string SharedFrameworkRoot =
        Path.GetDirectoryName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory()))) + Path.DirectorySeparatorChar;

    /// <summary>Loads the plugin in <paramref name="folder"/>.</summary>
    /// <returns>The loader and providers when the main assembly loaded, and every failure met.</returns>
    public static PluginFolderLoadResult Load(string folder)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        string assemblyPath = Path.Combine(folder, name + ".dll");
        var failures = new List<PluginLoadFailure>();
        if (!File.Exists(assemblyPath))
        {
            failures.Add(new PluginLoadFailure(name, folder,
                $"the main assembly '{name}.dll' is missing; a plugin folder must hold an assembly named after the folder. Copy the plugin's whole build output into the folder, or remove the folder."));
            return new PluginFolderLoadResult(name, folder, assemblyPath, null, [], failures);
        }

        string? contractProblem = ContractReferenceCheck.FindProblem(assemblyPath);
        if (contractProblem is not null)
        {
            failures.Add(new PluginLoadFailure(name, assemblyPath, contractProblem));
            return new PluginFolderLoadResult(name, folder, assemblyPath, null, [], failures);
        }

        var loader = PluginLoader.CreateFromAssemblyFile(
            assemblyPath,
            sharedTypes: [typeof(IStorageEngine)],
            configure: config => config.PreferSharedTypes = false);
        try
        {
            var assembly = loader.LoadDefaultAssembly();
            string? dependencyProblem = FindMissingDependency(loader, assembly, assemblyPath);
            if (dependencyProblem is not null)
            {
                failures.Add(new PluginLoadFailure(name, assemblyPath, dependencyProblem));
                loader.Dispose();
                return new PluginFolderLoadResult(name, folder, assemblyPath, null, [], failures);
            }

            var (providers, problems) = ProviderTypeScanner.Scan(assembly);
            failures.AddRange(problems.Select(problem => new PluginLoadFailure(name, assemblyPath, problem)));
            if (providers.Count == 0 && problems.Count == 0)
            {
                failures.Add(new PluginLoadFailure(name, assemblyPath,
                    $"'{name}.dll' has no public, non-abstract {nameof(IStorageProvider)} type with a public parameterless constructor. Derive a provider from StorageProvider<TOptions>."));
            }

            return new PluginFolderLoadResult(name, folder, assemblyPath, loader, providers, failures);
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException or FileNotFoundException or ReflectionTypeLoadException or TypeLoadException)
        {
            loader.Dispose();
            failures.Add(new PluginLoadFailure(name, assemblyPath, $"'{name}.dll' could not be loaded: {e.GetType().Name}: {e.Message}"));
            return new PluginFolderLoadResult(name, folder, assemblyPath, null, [], failures);
        }
    }

    /// <summary>
    /// Loads every direct dependency now, so a missing one is reported at discovery rather than at
    /// the first call. A dependency the plugin ships (per its deps.json) that resolved to the host's
    /// copy instead of its own is missing too: using the host's version would silently break isolation.
    /// </summary>
    private static string? FindMissingDependency(PluginLoader loader, Assembly assembly, string assemblyPath)
    {
        var manifest = PluginDependencyManifest.Read(assemblyPath);
        foreach (var reference in assembly.GetReferencedAssemblies())
        {
            string? reason;
            try
            {
                var loaded = loader.LoadAssembly(reference);
                reason = AssemblyLoadContext.GetLoadContext(loaded) == loader.LoadContext || IsSharedWithHost(loaded, reference, manifest)
                    ? null
                    : "it is missing from the plugin folder";
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                reason = e is FileNotFoundException ? "it is missing from the plugin folder" : $"{e.GetType().Name}: {e.Message}";
            }

            if (reason is not null)
            {
                return $"dependency '{reference.Name}' {reference.Version} could not be loaded: {reason}. Copy the plugin's whole build output (with its dependencies) into the folder.";
            }
        }

        return null;
    }

    /// <summary>The contract and the framework come from the host by design; anything the plugin ships must not.</summary>
    private static bool IsSharedWithHost(Assembly loaded, AssemblyName reference, PluginDependencyManifest manifest)
    {
        if (loaded == typeof(IStorageEngine).Assembly)
        {
            return true;
        }

        return manifest.Ships(reference.Name ?? "") switch
        {
            true => false,
            false => true,
            null => loaded.Location.Length == 0 || loaded.Location.StartsWith(SharedFrameworkRoot, StringComparison.OrdinalIgnoreCase),
        };
    }
}
