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
            stages[stage.Key] = new StageDefinition(stage.Key, string.IsNullOrWhiteSpace(type) ? null : type, stage.GetSection("options"), stage);
        }

        var pipelines = new Dictionary<string, PipelineDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var pipeline in configuration.GetSection("pipelines").GetChildren())
        {
            var chainSection = pipeline.GetSection("chain");
            var chain = chainSection.GetChildren()
                .OrderBy(c => int.TryParse(c.Key, out int i) ? i : int.MaxValue)
                .Select(c => c.Value ?? "")
                .ToList();
            if (chainSection.Value is { Length: > 0 } single && (chain.Count == 0 || SingleValueWins(configuration, chainSection.Path)))
            {
                // A chain given as one value (an environment variable cannot hold a list) replaces a
                // list from a source of lower precedence, such as plugins.json.
                chain = [single];
            }

            pipelines[pipeline.Key] = new PipelineDefinition(pipeline.Key, chain, chainSection.Path);
        }

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
                JsonPath = "$.defaultPipeline",
                Pipeline = defaultPipeline,
                Message = $"the default pipeline '{defaultPipeline}' is not declared under pipelines. Declared pipelines: {List(pipelines.Keys)}.",
            });
        }

        return new StorageConfiguration
        {
            File = file,
            BaseDirectory = baseDirectory,
            PluginDirectories = pluginDirectories,
            DefaultPipeline = defaultPipeline,
            Stages = stages,
            Pipelines = pipelines,
            Problems = problems,
        };
    }

    /// <summary>
    /// Whether the single value at <paramref name="path"/> comes from a configuration source of higher
    /// precedence than every source giving list elements there. Without the sources at hand (a plain
    /// <see cref="IConfiguration"/>), the list wins.
    /// </summary>
    private static bool SingleValueWins(IConfiguration configuration, string path)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return false;
        }

        // Later providers override earlier ones; the last one that says anything about the chain decides.
        foreach (var provider in root.Providers.Reverse())
        {
            if (provider.TryGet(path, out string? value) && !string.IsNullOrEmpty(value))
            {
                return true;
            }

            if (provider.GetChildKeys([], path).Any())
            {
                return false;
            }
        }

        return false;
    }

    internal static string List(IEnumerable<string> names)
    {
        var sorted = names.Order(StringComparer.Ordinal).ToList();
        return sorted.Count == 0 ? "(none)" : string.Join(", ", sorted);
    }
}
