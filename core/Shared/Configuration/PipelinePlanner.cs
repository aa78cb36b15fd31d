using Atomiton.Storage.Hosting.Configuration;
using Atomiton.Storage.Hosting.Options;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.Configuration;

namespace Atomiton.Storage.Hosting.Pipelines;

/// <summary>
/// Checks one pipeline before anything is built: every chain element names a stage or a provider
/// type, no stage appears twice, exactly one backend sits at the bottom with wrappers above it,
/// and every stage's options bind and validate. All problems are collected, none thrown.
/// </summary>
internal sealed class PipelinePlanner(StorageConfiguration configuration, IPipelineProviders catalogue)
{
    public PipelinePlan? Plan(string pipelineName, List<ConfigurationProblem> problems)
    {
        // What the reader found about this pipeline, where it found it (an undeclared default pipeline
        // at defaultPipeline, a chain written as a string), is its first problem.
        var found = configuration.Problems.Where(p => string.Equals(p.Pipeline, pipelineName, StringComparison.OrdinalIgnoreCase)).ToList();
        problems.AddRange(found);
        if (!configuration.Pipelines.TryGetValue(pipelineName, out var pipeline))
        {
            if (found.Count > 0)
            {
                return null;
            }

            problems.Add(new ConfigurationProblem
            {
                File = configuration.File,
                JsonPath = "$.pipelines",
                Pipeline = pipelineName,
                Message = $"pipeline '{pipelineName}' is not declared. Declared pipelines: {StorageConfigurationReader.List(configuration.Pipelines.Keys)}.",
            });
            return null;
        }

        int before = problems.Count - found.Count;
        if (pipeline.Chain.Count == 0)
        {
            problems.Add(Problem(pipeline, JsonPath.FromConfigurationPath(pipeline.ChainPath), null,
                "the chain is empty. List the stages outermost first, ending with a backend, for example [\"cache\", \"disk\"]."));
            return null;
        }

        var stages = new List<PlannedStage>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int index = 0; index < pipeline.Chain.Count; index++)
        {
            string element = pipeline.Chain[index];
            string elementPath = JsonPath.Index(pipeline.ChainPath, index);
            if (!seen.Add(element))
            {
                problems.Add(Problem(pipeline, elementPath, element,
                    $"'{element}' appears more than once in the chain; a stage wraps the one after it, so each may appear only once. Declare a second stage with another name."));
                continue;
            }

            var stage = PlanElement(pipeline, element, index, elementPath, problems);
            if (stage is not null)
            {
                stages.Add(stage);
            }
        }

        if (problems.Count != before)
        {
            return null;
        }

        CheckKinds(pipeline, stages, problems);
        return problems.Count == before ? new PipelinePlan(pipeline.Name, stages) : null;
    }

    private PlannedStage? PlanElement(PipelineDefinition pipeline, string element, int index, string elementPath, List<ConfigurationProblem> problems)
    {
        IConfigurationSection options;
        string optionsPath;
        string type;
        string typePath;
        if (configuration.Stages.TryGetValue(element, out var stage))
        {
            typePath = JsonPath.Combine(stage.Section.Path, "type");
            if (stage.Type is null)
            {
                problems.Add(Problem(pipeline, typePath, stage.Name,
                    $"stage '{stage.Name}' has no type. Available types: {StorageConfigurationReader.List(catalogue.Names)}."));
                return null;
            }

            type = stage.Type;
            options = stage.Options;
            optionsPath = stage.Options.Path;
        }
        else if (catalogue.TryGetProvider(element, out _))
        {
            type = element;
            typePath = elementPath;
            options = new ConfigurationBuilder().Build().GetSection("options");
            optionsPath = pipeline.ChainPath + ":" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            problems.Add(Problem(pipeline, elementPath, element,
                $"'{element}' is neither a declared stage nor an available provider type. Declared stages: {StorageConfigurationReader.List(configuration.Stages.Keys)}. Available types: {StorageConfigurationReader.List(catalogue.Names)}.{FailedPluginsNote()}"));
            return null;
        }

        if (!catalogue.TryGetProvider(type, out var provider))
        {
            problems.Add(Problem(pipeline, typePath, element,
                $"unknown provider type '{type}'. Available types: {StorageConfigurationReader.List(catalogue.Names)}.{FailedPluginsNote()}"));
            return null;
        }

        var binding = new StageBinding(configuration.File, pipeline.Name, element, options, optionsPath, provider, configuration.BaseDirectory, IsDirectType: stage is null);
        object? bound = StageOptionsBinder.Bind(binding, problems);
        string stagePath = stage is null ? elementPath : JsonPath.FromConfigurationPath(stage.Section.Path);
        return bound is null ? null : new PlannedStage(element, stagePath, provider, bound);
    }

    private void CheckKinds(PipelineDefinition pipeline, List<PlannedStage> stages, List<ConfigurationProblem> problems)
    {
        for (int index = 0; index < stages.Count; index++)
        {
            var stage = stages[index];
            bool isLast = index == stages.Count - 1;
            string path = JsonPath.Index(pipeline.ChainPath, index);
            if (isLast && stage.Provider.Kind != StorageProviderKind.Backend)
            {
                var backends = catalogue.Names.Where(name => catalogue.TryGetProvider(name, out var provider) && provider.Kind == StorageProviderKind.Backend);
                problems.Add(Problem(pipeline, path, stage.StageName,
                    $"the chain must end with a backend, but '{stage.StageName}' ({stage.Provider.Name}) is a wrapper. Add a backend at the end; available backends: {StorageConfigurationReader.List(backends)}."));
            }
            else if (!isLast && stage.Provider.Kind == StorageProviderKind.Backend)
            {
                problems.Add(Problem(pipeline, path, stage.StageName,
                    $"'{stage.StageName}' ({stage.Provider.Name}) is a backend, and a pipeline has exactly one backend, at the bottom (the last element of the chain). Move it to the end or remove it."));
            }
        }
    }

    private string FailedPluginsNote() => catalogue.UnknownTypeNote;

    private ConfigurationProblem Problem(PipelineDefinition pipeline, string jsonPath, string? stage, string message) => new()
    {
        File = configuration.File,
        JsonPath = jsonPath,
        Pipeline = pipeline.Name,
        Stage = stage,
        Message = message,
    };
}
