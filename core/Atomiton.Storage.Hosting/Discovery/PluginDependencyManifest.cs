using System.Text.Json;

namespace Atomiton.Storage.Hosting.Discovery;

/// <summary>
/// The managed assemblies a plugin's <c>.deps.json</c> says it ships (the runtime assets of its
/// packages and projects). Framework assemblies are not listed, so a listed assembly that resolves
/// anywhere but the plugin's own folder is missing from it.
/// </summary>
/// <remarks>
/// The runtime's dependency resolver (which the plugin loader uses) trusts this file completely: a
/// deps.json that is valid JSON but not in the expected shape (no <c>runtimeTarget</c>, say) makes it
/// terminate the whole process. So the file is checked here first, for every member the resolver
/// reads, and a plugin whose manifest is malformed is refused before it reaches the resolver.
/// </remarks>
internal sealed class PluginDependencyManifest
{
    private static readonly string[] AssetKinds = ["runtime", "native", "resources"];

    private readonly HashSet<string>? _shipped;

    private PluginDependencyManifest(HashSet<string>? shipped, string? problem)
    {
        _shipped = shipped;
        Problem = problem;
    }

    /// <summary>Why the manifest cannot be used, naming the file and what is wrong with it; null when it is absent or usable.</summary>
    public string? Problem { get; }

    /// <summary>Reads and checks <c>&lt;main&gt;.deps.json</c> beside the main assembly; without one, nothing is known.</summary>
    public static PluginDependencyManifest Read(string mainAssemblyPath)
    {
        string path = Path.ChangeExtension(mainAssemblyPath, ".deps.json");
        string file = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            return new PluginDependencyManifest(null, null);
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            var shipped = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            string? problem = Check(document.RootElement, shipped);
            return problem is null
                ? new PluginDependencyManifest(shipped, null)
                : new PluginDependencyManifest(null, Malformed(file, problem));
        }
        catch (JsonException e)
        {
            return new PluginDependencyManifest(null, Malformed(file, $"it is not valid JSON: {e.Message}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new PluginDependencyManifest(null, $"'{file}' could not be read ({e.Message}). Check the file's permissions, or copy the plugin's whole build output into the folder again.");
        }
    }

    /// <summary>Whether the manifest is known and lists <paramref name="assemblyName"/> as shipped with the plugin; null when there is no manifest.</summary>
    public bool? Ships(string assemblyName) => _shipped?.Contains(assemblyName);

    private static string Malformed(string file, string problem) =>
        $"'{file}' is not a valid dependency manifest: {problem}. Rebuild the plugin and copy its whole build output into the folder again, or delete the file.";

    /// <summary>Checks every member the runtime's resolver reads, collecting the runtime assets of the runtime target into <paramref name="shipped"/>.</summary>
    /// <returns>What is wrong, as "$.path is …", or null.</returns>
    private static string? Check(JsonElement root, HashSet<string> shipped)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return $"the document is {Describe(root)}, not an object";
        }

        string? targetName = null;
        if (root.TryGetProperty("runtimeTarget", out var runtimeTarget))
        {
            targetName = runtimeTarget.ValueKind == JsonValueKind.String
                ? runtimeTarget.GetString()
                : runtimeTarget.ValueKind == JsonValueKind.Object && runtimeTarget.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                    ? name.GetString()
                    : null;
        }

        if (targetName is null)
        {
            return "$.runtimeTarget.name is missing; it names the entry of $.targets to use";
        }

        if (!TryGetObject(root, "targets", out var targets) || !TryGetObject(targets, targetName, out var target))
        {
            return $"$.targets has no object for the runtime target '{targetName}'";
        }

        foreach (var library in target.EnumerateObject())
        {
            string where = $"$.targets['{targetName}']['{library.Name}']";
            if (library.Value.ValueKind != JsonValueKind.Object)
            {
                return $"{where} is {Describe(library.Value)}, not an object";
            }

            foreach (string kind in AssetKinds)
            {
                if (library.Value.TryGetProperty(kind, out var assets))
                {
                    if (FindNonObject(assets) is { } bad)
                    {
                        return $"{where}.{kind}{bad}";
                    }

                    if (kind == "runtime")
                    {
                        shipped.UnionWith(assets.EnumerateObject().Select(a => Path.GetFileNameWithoutExtension(a.Name)));
                    }
                }
            }

            if (library.Value.TryGetProperty("runtimeTargets", out var ridAssets))
            {
                if (FindNonObject(ridAssets) is { } bad)
                {
                    return $"{where}.runtimeTargets{bad}";
                }

                foreach (var asset in ridAssets.EnumerateObject())
                {
                    if (!IsString(asset.Value, "rid") || !IsString(asset.Value, "assetType"))
                    {
                        return $"{where}.runtimeTargets['{asset.Name}'] lacks the string 'rid' or 'assetType'";
                    }

                    if (asset.Value.GetProperty("assetType").GetString() == "runtime")
                    {
                        shipped.Add(Path.GetFileNameWithoutExtension(asset.Name));
                    }
                }
            }
        }

        if (!root.TryGetProperty("libraries", out var libraries) || libraries.ValueKind != JsonValueKind.Object)
        {
            return "$.libraries is missing or not an object";
        }

        foreach (var library in libraries.EnumerateObject())
        {
            if (library.Value.ValueKind != JsonValueKind.Object
                || !IsString(library.Value, "type")
                || !library.Value.TryGetProperty("serviceable", out var serviceable)
                || serviceable.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return $"$.libraries['{library.Name}'] must be an object with a string 'type' and a boolean 'serviceable'";
            }
        }

        return null;
    }

    /// <summary>Null when <paramref name="assets"/> is an object of objects; otherwise what is wrong, as a path suffix and reason.</summary>
    private static string? FindNonObject(JsonElement assets)
    {
        if (assets.ValueKind != JsonValueKind.Object)
        {
            return $" is {Describe(assets)}, not an object";
        }

        var bad = assets.EnumerateObject().FirstOrDefault(a => a.Value.ValueKind != JsonValueKind.Object);
        return bad.Value.ValueKind == JsonValueKind.Undefined ? null : $"['{bad.Name}'] is {Describe(bad.Value)}, not an object";
    }

    private static bool TryGetObject(JsonElement parent, string name, out JsonElement value) =>
        parent.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Object;

    private static bool IsString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String;

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
