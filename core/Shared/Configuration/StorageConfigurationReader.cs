using Microsoft.Extensions.Configuration;

namespace Atomiton.Storage.Hosting.Configuration;

/// <summary>Reads the shape of <c>plugins.json</c> from configuration, recording structural problems instead of throwing.</summary>
internal static class StorageConfigurationReader
{
    public static StorageConfiguration Read(IConfiguration configuration, string file, string baseDirectory)
    {
        var problems = new List<ConfigurationProblem>();
        var pluginDirectories = configuration.GetSection("pluginDirectories").GetChildren()
            .Select(c => c.Value)
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .Select(v => Path.GetFullPath(Path.Combine(baseDirectory, v!)))
            .ToList();

        var stages = new Dictionary<string, StageDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var stage in configuration.GetSection("stages").GetChildren())
        {
            string? type = stage["type"];
            stages[stage.Key] = new StageDefinition(NameAsWritten(configuration, stage), string.IsNullOrWhiteSpace(type) ? null : type, stage.GetSection("options"), stage);
        }

        var pipelines = new Dictionary<string, PipelineDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var pipeline in configuration.GetSection("pipelines").GetChildren())
        {
            string name = NameAsWritten(configuration, pipeline);
            var chainSection = pipeline.GetSection("chain");
            var chain = chainSection.GetChildren()
                .OrderBy(c => int.TryParse(c.Key, out int i) ? i : int.MaxValue)
                .Select(c => c.Value ?? "")
                .ToList();
            if (chainSection.Value is { Length: > 0 } single && SingleValueSource(configuration, chainSection.Path, chain.Count > 0) is { } source)
            {
                // A chain given as one value (an environment variable cannot hold a list) replaces a
                // list from a source of lower precedence, such as plugins.json. A file can hold a
                // list, so there a single string is a mistake, not a chain of one.
                chain = [single];
                if (source is FileConfigurationProvider)
                {
                    problems.Add(new ConfigurationProblem
                    {
                        File = file,
                        JsonPath = JsonPath.FromConfigurationPath(ConfigurationPath.Combine(ConfigurationPath.GetParentPath(pipeline.Path) ?? "", name, "chain")),
                        Pipeline = name,
                        Message = $"the chain is a string; write it as a list, outermost stage first: \"chain\": [\"{single}\"]. (Only an environment variable, which cannot hold a list, gives a chain as one value.)",
                    });
                }
            }

            string chainPath = ConfigurationPath.Combine(ConfigurationPath.GetParentPath(pipeline.Path) ?? "", name, "chain");
            pipelines[name] = new PipelineDefinition(name, chain, chainPath);
        }

        // Under a section (a browser app's "storage" in appsettings.json), paths start at the section.
        string root = configuration is IConfigurationSection section ? section.Path : "";
        string? defaultPipeline = configuration["defaultPipeline"];
        if (string.IsNullOrWhiteSpace(defaultPipeline))
        {
            defaultPipeline = null;
        }
        else if (!pipelines.ContainsKey(defaultPipeline))
        {
            problems.Add(new ConfigurationProblem
            {
                File = file,
                JsonPath = JsonPath.Combine(root, "defaultPipeline"),
                Pipeline = defaultPipeline,
                Message = pipelines.Count == 0
                    ? $"the default pipeline '{defaultPipeline}' is not declared: pipelines declares none. Declare it under pipelines, such as \"{defaultPipeline}\": {{ \"chain\": [\"memory\"] }}."
                    : $"the default pipeline '{defaultPipeline}' is not declared under pipelines. Declared pipelines: {List(pipelines.Keys)}.",
            });
        }

        string? credentials = configuration["credentials"];
        if (string.IsNullOrWhiteSpace(credentials))
        {
            credentials = null;
        }
        else if (!pipelines.ContainsKey(credentials))
        {
            problems.Add(new ConfigurationProblem
            {
                File = file,
                JsonPath = JsonPath.Combine(root, "credentials"),
                Message = $"the credential pipeline '{credentials}' is not declared under pipelines{(pipelines.Count == 0 ? "" : $" (declared: {List(pipelines.Keys)})")}. Name a declared pipeline, preferably one with an encrypted stage, or remove \"credentials\" to keep tokens in the user's encrypted credential folder.",
            });
        }

        return new StorageConfiguration
        {
            File = file,
            BaseDirectory = baseDirectory,
            PluginDirectories = pluginDirectories,
            DefaultPipeline = defaultPipeline,
            CredentialPipeline = credentials,
            Stages = stages,
            Pipelines = pipelines,
            Problems = problems,
        };
    }

    /// <summary>
    /// The configuration source that gives the single value at <paramref name="path"/>, when that
    /// value wins: it comes from a source of higher precedence than every source giving list
    /// elements there. With no list, any source's single value wins. Without the sources at hand
    /// (a plain <see cref="IConfiguration"/>), a list wins and a lone value has no known source.
    /// </summary>
    private static IConfigurationProvider? SingleValueSource(IConfiguration configuration, string path, bool hasList)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return hasList ? null : UnknownSource.Instance;
        }

        // Later providers override earlier ones; the last one that says anything about the chain decides.
        foreach (var provider in root.Providers.Reverse())
        {
            if (provider.TryGet(path, out string? value) && !string.IsNullOrEmpty(value))
            {
                return provider;
            }

            if (provider.GetChildKeys([], path).Any())
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// A section's key as the lowest-precedence source spells it (normally plugins.json): an
    /// environment variable overriding <c>pipelines.local</c> spells it <c>LOCAL</c>, and keys
    /// compare case-insensitively, so without this the name shown would depend on the override.
    /// </summary>
    private static string NameAsWritten(IConfiguration configuration, IConfigurationSection section)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return section.Key;
        }

        string parent = ConfigurationPath.GetParentPath(section.Path) ?? "";
        foreach (var provider in root.Providers)
        {
            string? written = provider.GetChildKeys([], parent.Length == 0 ? null : parent)
                .FirstOrDefault(key => string.Equals(key, section.Key, StringComparison.OrdinalIgnoreCase));
            if (written is not null)
            {
                return written;
            }
        }

        return section.Key;
    }

    internal static string List(IEnumerable<string> names)
    {
        var sorted = names.Order(StringComparer.Ordinal).ToList();
        return sorted.Count == 0 ? "(none)" : string.Join(", ", sorted);
    }

    // Stands for the source of a value read through a plain IConfiguration, whose sources are not known.
    private sealed class UnknownSource : ConfigurationProvider
    {
        public static readonly UnknownSource Instance = new();
    }
}
