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
            if (chain.Count == 0 && chainSection.Value is { Length: > 0 } single)
            {
                chain.Add(single);
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

    internal static string List(IEnumerable<string> names)
    {
        var sorted = names.Order(StringComparer.Ordinal).ToList();
        return sorted.Count == 0 ? "(none)" : string.Join(", ", sorted);
    }
}
