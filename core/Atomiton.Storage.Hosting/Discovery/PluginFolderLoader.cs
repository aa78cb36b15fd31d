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
/// <remarks>
/// A folder that loaded is loaded once per process: a later host (a server re-reading its
/// configuration, a test building hosts one after another) reuses its load context while the folder's
/// files are unchanged (names, sizes and modification times), and only scans it for providers again.
/// Load contexts are not unloadable, so each load of the same folder used to keep another copy of the
/// plugin and its SDKs in memory for the life of the process (with the Graph SDK, hundreds of
/// megabytes per copy once anything enumerates its types).
/// </remarks>
internal static class PluginFolderLoader
{
    /// <summary>The folder holding the shared frameworks (…/dotnet/shared/), whose assemblies every plugin takes from the host.</summary>
    private static readonly string SharedFrameworkRoot =
        Path.GetDirectoryName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory()))) + Path.DirectorySeparatorChar;

    /// <summary>Folders loaded in this process, by full path: the files they were loaded from, the loader and the main assembly.</summary>
    private static readonly Dictionary<string, LoadedFolder> Loaded = new(StringComparer.Ordinal);

    /// <summary>Loads the plugin in <paramref name="folder"/>, or reuses this process's load of it when its files are unchanged.</summary>
    /// <returns>The loader and providers when the main assembly loaded, and every failure met.</returns>
    public static PluginFolderLoadResult Load(string folder)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        string assemblyPath = Path.Combine(folder, name + ".dll");
        if (!File.Exists(assemblyPath))
        {
            return new PluginFolderLoadResult(name, folder, assemblyPath, null, [], [new PluginLoadFailure(name, folder,
                $"the main assembly '{name}.dll' is missing; a plugin folder must hold an assembly named after the folder. Copy the plugin's whole build output into the folder, or remove the folder.")]);
        }

        string key = Path.GetFullPath(folder);
        lock (Loaded)
        {
            string fingerprint = Fingerprint(key);
            if (Loaded.TryGetValue(key, out var loaded) && loaded.Fingerprint == fingerprint)
            {
                var (found, problems) = ProviderTypeScanner.Scan(loaded.Assembly);
                return new PluginFolderLoadResult(name, folder, assemblyPath, loaded.Loader, found,
                    [.. problems.Select(problem => new PluginLoadFailure(name, assemblyPath, problem))]);
            }

            var result = LoadNew(name, folder, assemblyPath);
            if (result.Loader is { } loader)
            {
                Loaded[key] = new LoadedFolder(fingerprint, loader, loader.LoadDefaultAssembly());
            }

            return result;
        }
    }

    /// <summary>Every file under the folder with its size and modification time: a rebuilt, copied or trimmed plugin loads anew.</summary>
    private static string Fingerprint(string folder)
    {
        var text = new System.Text.StringBuilder();
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal))
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}\n");
        }

        return text.ToString();
    }

    private static PluginFolderLoadResult LoadNew(string name, string folder, string assemblyPath)
    {
        var failures = new List<PluginLoadFailure>();

        string? contractProblem = ContractReferenceCheck.FindProblem(assemblyPath);
        if (contractProblem is not null)
        {
            failures.Add(new PluginLoadFailure(name, assemblyPath, contractProblem));
            return new PluginFolderLoadResult(name, folder, assemblyPath, null, [], failures);
        }

        // Checked before the loader reads it: the runtime's resolver terminates the process on a malformed manifest.
        var manifest = PluginDependencyManifest.Read(assemblyPath);
        if (manifest.Problem is not null)
        {
            failures.Add(new PluginLoadFailure(name, assemblyPath, manifest.Problem));
            return new PluginFolderLoadResult(name, folder, assemblyPath, null, [], failures);
        }

        PluginLoader? loader = null;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(
                assemblyPath,
                sharedTypes: [typeof(IStorageEngine)],
                configure: config => config.PreferSharedTypes = false);
            var assembly = loader.LoadDefaultAssembly();
            string? dependencyProblem = FindMissingDependency(loader, assembly, manifest);
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
        catch (Exception e) when (e is FileLoadException or BadImageFormatException or FileNotFoundException or ReflectionTypeLoadException or TypeLoadException or InvalidOperationException)
        {
            loader?.Dispose();
            failures.Add(new PluginLoadFailure(name, assemblyPath,
                $"'{name}.dll' could not be loaded: {OneLine(e)}. Rebuild the plugin and copy its whole build output (not a reference assembly from obj/) into the folder again."));
            return new PluginFolderLoadResult(name, folder, assemblyPath, null, [], failures);
        }
    }

    private sealed record LoadedFolder(string Fingerprint, PluginLoader Loader, Assembly Assembly);

    /// <summary>
    /// Loads every direct dependency now, so a missing one is reported at discovery rather than at
    /// the first call. A dependency the plugin ships (per its deps.json) that resolved to the host's
    /// copy instead of its own is missing too: using the host's version would silently break isolation.
    /// </summary>
    private static string? FindMissingDependency(PluginLoader loader, Assembly assembly, PluginDependencyManifest manifest)
    {
        foreach (var reference in assembly.GetReferencedAssemblies())
        {
            string? reason;
            try
            {
                var loaded = loader.LoadAssembly(reference);
                reason = AssemblyLoadContext.GetLoadContext(loaded) != loader.LoadContext && !IsSharedWithHost(loaded, reference, manifest)
                    ? "it is missing from the plugin folder"
                    : loaded.GetName().Version < reference.Version
                        ? $"the plugin folder holds version {loaded.GetName().Version}, older than the one the plugin was built against"
                        : null;
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                reason = e is FileNotFoundException ? "it is missing from the plugin folder" : OneLine(e);
            }

            if (reason is not null)
            {
                return $"dependency '{reference.Name}' {reference.Version} could not be loaded: {reason}. Copy the plugin's whole build output (with its dependencies) into the folder.";
            }
        }

        return null;
    }

    /// <summary>The exception's type and message on one line without a final period, for a failure reason (the runtime's load errors can end with a line break).</summary>
    private static string OneLine(Exception e) =>
        $"{e.GetType().Name}: {string.Join(' ', e.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.')}";

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
