using System.Reflection;
using System.Runtime.Loader;

namespace Atomiton.Storage.Hosting.Discovery;

/// <summary>What an operator needs to see that a plugin is isolated: its load context, and which of its own assemblies differ from the host's.</summary>
internal static class PluginIsolation
{
    private static readonly Lazy<Dictionary<string, string>> TrustedPlatformAssemblies = new(ReadTrustedPlatformAssemblies);

    /// <summary>The load context's name (a plugin's own context is named after its main assembly), or says whose it is when it has none.</summary>
    public static string DescribeContext(AssemblyLoadContext context, string plugin) =>
        context == AssemblyLoadContext.Default ? "default" : context.Name is { Length: > 0 } name ? name : $"own context of {plugin}";

    /// <summary>
    /// The managed assemblies in <paramref name="folder"/> (but the main one and the contract, which is always
    /// the host's) whose version is not the host's, ordered by name. The plugin's context loads these from its
    /// folder (only the contract is shared), so they are the versions the plugin runs with.
    /// </summary>
    public static IReadOnlyList<PluginDependency> DifferingDependencies(string folder, string mainAssemblyPath)
    {
        var differing = new List<PluginDependency>();
        foreach (string file in Directory.EnumerateFiles(folder, "*.dll", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
        {
            if (string.Equals(Path.GetFullPath(file), Path.GetFullPath(mainAssemblyPath), StringComparison.Ordinal))
            {
                continue;
            }

            AssemblyName name;
            try
            {
                name = AssemblyName.GetAssemblyName(file);
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or IOException or UnauthorizedAccessException)
            {
                continue; // a native library, or not readable: not a managed dependency
            }

            if (name.Name is null || name.Name == typeof(IStorageEngine).Assembly.GetName().Name)
            {
                continue;
            }

            string version = name.Version?.ToString() ?? "?";
            string? host = HostVersionOf(name.Name);
            if (host != version)
            {
                differing.Add(new PluginDependency(name.Name, version, host));
            }
        }

        return differing;
    }

    private static string? HostVersionOf(string name)
    {
        foreach (var assembly in AssemblyLoadContext.Default.Assemblies)
        {
            var loaded = assembly.GetName();
            if (string.Equals(loaded.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return loaded.Version?.ToString();
            }
        }

        if (!TrustedPlatformAssemblies.Value.TryGetValue(name, out string? path))
        {
            return null;
        }

        try
        {
            return AssemblyName.GetAssemblyName(path).Version?.ToString();
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The assemblies the host can load (its own and the shared framework's), by name.</summary>
    private static Dictionary<string, string> ReadTrustedPlatformAssemblies()
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            byName.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        }

        return byName;
    }
}
