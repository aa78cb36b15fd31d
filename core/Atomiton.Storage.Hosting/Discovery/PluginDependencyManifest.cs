using System.Text.Json;

namespace Atomiton.Storage.Hosting.Discovery;

/// <summary>
/// The managed assemblies a plugin's <c>.deps.json</c> says it ships (the runtime assets of its
/// packages and projects). Framework assemblies are not listed, so a listed assembly that resolves
/// anywhere but the plugin's own folder is missing from it.
/// </summary>
internal sealed class PluginDependencyManifest
{
    private readonly HashSet<string>? _shipped;

    private PluginDependencyManifest(HashSet<string>? shipped) => _shipped = shipped;

    /// <summary>Reads <c>&lt;main&gt;.deps.json</c> beside the main assembly; without one (or when unreadable), nothing is known.</summary>
    public static PluginDependencyManifest Read(string mainAssemblyPath)
    {
        string path = Path.ChangeExtension(mainAssemblyPath, ".deps.json");
        if (!File.Exists(path))
        {
            return new PluginDependencyManifest(null);
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            var shipped = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (document.RootElement.TryGetProperty("targets", out var targets))
            {
                foreach (var target in targets.EnumerateObject())
                {
                    foreach (var library in target.Value.EnumerateObject())
                    {
                        if (library.Value.TryGetProperty("runtime", out var runtime))
                        {
                            foreach (var asset in runtime.EnumerateObject())
                            {
                                shipped.Add(Path.GetFileNameWithoutExtension(asset.Name));
                            }
                        }
                    }
                }
            }

            return new PluginDependencyManifest(shipped);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return new PluginDependencyManifest(null);
        }
    }

    /// <summary>Whether the manifest is known and lists <paramref name="assemblyName"/> as shipped with the plugin; null when there is no manifest.</summary>
    public bool? Ships(string assemblyName) => _shipped?.Contains(assemblyName);
}
