using System.Collections.Immutable;
using Atomiton.Storage.Hosting.Catalogue;
using Atomiton.Storage.Hosting.Configuration;
using Atomiton.Storage.Hosting.Credentials;
using Atomiton.Storage.Hosting.Logging;
using Atomiton.Storage.Hosting.Pipelines;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Hosting;

/// <summary>
/// The plugin host: it discovers providers (built-in and from plugin folders, each plugin in its
/// own load context), reads the pipelines of <c>plugins.json</c>, checks them, and builds them.
/// A broken plugin never stops the host: it is listed in <see cref="ProviderCatalogue.Failures"/>
/// and a pipeline that needs it fails, with that reason, when it is built. Thread-safe.
/// </summary>
public sealed class StorageHost : IDisposable
{
    private readonly PipelinePlanner _planner;
    private readonly PipelineBuilder _builder;
    private readonly CredentialStores _credentials;
    private readonly StorageHostOptions _options;

    internal StorageHost(StorageHostOptions options, StorageConfiguration configuration, ProviderCatalogue catalogue)
    {
        Configuration = configuration;
        Catalogue = catalogue;
        _planner = new PipelinePlanner(configuration, catalogue);
        _builder = new PipelineBuilder(this, options);
        _credentials = new CredentialStores(this, options);
        _options = options;
    }

    /// <summary>The declared plugin directories, stages and pipelines.</summary>
    public StorageConfiguration Configuration { get; }

    /// <summary>Every provider, loaded plugin and plugin failure.</summary>
    public ProviderCatalogue Catalogue { get; }

    /// <summary>The declared pipelines' names, sorted.</summary>
    public IReadOnlyList<string> PipelineNames => [.. Configuration.Pipelines.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The default pipeline's name, or null when the configuration declares none.</summary>
    public string? DefaultPipeline => Configuration.DefaultPipeline;

    /// <summary>Creates a host: reads the configuration and loads every plugin. Bad plugins are reported, not thrown.</summary>
    /// <exception cref="StorageException">InvalidConfiguration when no configuration was given and the file is missing or not JSON.</exception>
    public static StorageHost Create(StorageHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var source = options.Configuration ?? StorageConfigurationFile.Load(options.ConfigurationFile);
        string baseDirectory = options.BaseDirectory
            ?? Path.GetDirectoryName(Path.GetFullPath(options.ConfigurationFile))
            ?? Environment.CurrentDirectory;
        var configuration = StorageConfigurationReader.Read(source, options.ConfigurationFile, baseDirectory);
        var catalogue = ProviderCatalogueBuilder.Build(options.BuiltInAssemblies, configuration.PluginDirectories);
        HostLog.Report(options.LoggerFactory.CreateLogger("Atomiton.Storage.Hosting"), catalogue.Providers.Count, catalogue.Failures);
        return new StorageHost(options, configuration, catalogue);
    }

    /// <summary>Creates a host from the file at <paramref name="configurationFile"/> (with environment overrides).</summary>
    /// <exception cref="StorageException">InvalidConfiguration when the file is missing or not JSON.</exception>
    public static StorageHost Load(string configurationFile) => Create(new StorageHostOptions { ConfigurationFile = configurationFile });

    /// <summary>
    /// Checks every pipeline as if it were built, without building anything: chains, types,
    /// options, and every secret reference (an unset variable or missing file is reported).
    /// </summary>
    /// <returns>Every problem found; empty when all pipelines can be built.</returns>
    public IReadOnlyList<ConfigurationProblem> Validate()
    {
        var problems = new List<ConfigurationProblem>(ProblemsOutsidePipelines());
        foreach (string pipeline in PipelineNames)
        {
            _planner.Plan(pipeline, problems);
        }

        return OncePerCause(problems);
    }

    /// <summary>Checks one pipeline as if it were built.</summary>
    /// <returns>Every problem found; empty when it can be built.</returns>
    public IReadOnlyList<ConfigurationProblem> Validate(string pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var problems = new List<ConfigurationProblem>();
        _planner.Plan(pipeline, problems);
        return problems;
    }

    /// <summary>
    /// The check run at application start: the default pipeline completely, and every other
    /// pipeline except for secrets whose variable or file is absent (a pipeline that is not
    /// built does not need its secrets).
    /// </summary>
    public IReadOnlyList<ConfigurationProblem> ValidateForStartup()
    {
        var problems = new List<ConfigurationProblem>(ProblemsOutsidePipelines());
        foreach (string pipeline in PipelineNames)
        {
            var found = new List<ConfigurationProblem>();
            _planner.Plan(pipeline, found);
            bool isDefault = string.Equals(pipeline, DefaultPipeline, StringComparison.OrdinalIgnoreCase);
            problems.AddRange(isDefault ? found : found.Where(p => !p.IsMissingSecret));
        }

        return OncePerCause(problems);
    }

    // The reader's problems that planning a declared pipeline does not report again: those of no
    // pipeline, and an undeclared default pipeline.
    private IEnumerable<ConfigurationProblem> ProblemsOutsidePipelines() =>
        Configuration.Problems.Where(p => p.Pipeline is null || !Configuration.Pipelines.ContainsKey(p.Pipeline));

    // A stage's problem is found once for every pipeline that uses the stage; it is one problem, at
    // the stage, naming every pipeline it stops.
    private static List<ConfigurationProblem> OncePerCause(List<ConfigurationProblem> problems) =>
        problems
            .GroupBy(p => (p.JsonPath, p.Stage, p.Option, p.Message, p.IsMissingSecret))
            .Select(group => group.First() with
            {
                OtherPipelines = group.Skip(1).Select(p => p.Pipeline).OfType<string>()
                    .Where(name => !string.Equals(name, group.First().Pipeline, StringComparison.OrdinalIgnoreCase))
                    .Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            })
            .ToList();

    /// <summary>Builds a new engine for the pipeline named <paramref name="pipeline"/>; the caller owns (and disposes) it.</summary>
    /// <exception cref="StorageException">InvalidConfiguration naming file, JSON path, pipeline, stage and option; or the error of a provider that failed.</exception>
    public ValueTask<IStorageEngine> BuildPipelineAsync(string pipeline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return BuildPipelineAsync(pipeline, [], cancellationToken);
    }

    /// <summary>Builds a new engine for the default pipeline; the caller owns (and disposes) it.</summary>
    /// <exception cref="StorageException">InvalidConfiguration when no default pipeline is declared, or as <see cref="BuildPipelineAsync(string, CancellationToken)"/>.</exception>
    public ValueTask<IStorageEngine> BuildDefaultPipelineAsync(CancellationToken cancellationToken = default) =>
        DefaultPipeline is { } name
            ? BuildPipelineAsync(name, cancellationToken)
            : throw new StorageException(StorageErrorCode.InvalidConfiguration,
                Configuration.Pipelines.Count == 0
                    ? $"{Configuration.File}: $.pipelines: no pipeline is declared. Declare one under pipelines, such as \"local\": {{ \"chain\": [\"memory\"] }}, and name it in defaultPipeline."
                    : $"{Configuration.File}: $.defaultPipeline: no default pipeline is declared. Set defaultPipeline to one of: {StorageConfigurationReader.List(Configuration.Pipelines.Keys)}.")
            { Operation = "configure" };

    /// <summary>
    /// The credential store the host gives stage <paramref name="stage"/> of <paramref name="pipeline"/>
    /// (what <c>auth status</c> and <c>auth logout</c> read): the pipeline named by <c>"credentials"</c>
    /// in the configuration, else the user's encrypted credential folder. Nothing is read or created until used.
    /// </summary>
    public IStorageCredentialStore GetCredentialStore(string pipeline, string stage)
    {
        ArgumentException.ThrowIfNullOrEmpty(pipeline);
        ArgumentException.ThrowIfNullOrEmpty(stage);
        return _credentials.For(pipeline, stage, []);
    }

    /// <summary>
    /// The stages of <paramref name="pipeline"/>, outermost first, each with its provider, bound and
    /// validated options and the context it would be built with — without building anything (what
    /// <c>auth login|status|logout</c> use to reach a <see cref="IStorageSignInProvider"/>).
    /// </summary>
    /// <param name="pipeline">A declared pipeline (case-insensitive).</param>
    /// <param name="prompt">The sign-in prompt the contexts carry; default <see cref="StorageHostOptions.AuthorizationPrompt"/>.</param>
    /// <exception cref="StorageException">NotFound when no such pipeline is declared (the message lists those that are); InvalidConfiguration, naming stage and option, when the pipeline cannot be built.</exception>
    public IReadOnlyList<StorageStage> GetStages(string pipeline, IStorageAuthorizationPrompt? prompt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(pipeline);
        string name = Configuration.Pipelines.Keys.FirstOrDefault(p => string.Equals(p, pipeline, StringComparison.OrdinalIgnoreCase))
            ?? throw new StorageException(StorageErrorCode.NotFound,
                $"{Configuration.File}: pipeline '{pipeline}' is not declared. Declared pipelines: {StorageConfigurationReader.List(Configuration.Pipelines.Keys)}.")
            { Operation = "configure" };
        var problems = new List<ConfigurationProblem>(Configuration.Problems.Where(p => p.Pipeline is null));
        var plan = _planner.Plan(name, problems);
        if (plan is null || problems.Count > 0)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration, Describe(name, problems)) { Operation = "configure" };
        }

        var path = ImmutableList.Create(plan.Name);
        return [.. plan.Stages.Select(stage => new StorageStage(plan.Name, stage.StageName, stage.Provider.Name, stage.Provider, stage.Options,
            _builder.Context(plan.Name, stage, inner: null, path, [], prompt ?? _options.AuthorizationPrompt)))];
    }

    /// <summary>One stage of <paramref name="pipeline"/>, as <see cref="GetStages"/> gives it.</summary>
    /// <param name="pipeline">A declared pipeline (case-insensitive).</param>
    /// <param name="stage">A stage of its chain (case-insensitive).</param>
    /// <param name="prompt">The sign-in prompt the context carries; default <see cref="StorageHostOptions.AuthorizationPrompt"/>.</param>
    /// <exception cref="StorageException">NotFound when the pipeline is not declared or the stage is not in its chain (the message lists its stages); InvalidConfiguration as for <see cref="GetStages"/>.</exception>
    public StorageStage GetStage(string pipeline, string stage, IStorageAuthorizationPrompt? prompt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(stage);
        var stages = GetStages(pipeline, prompt);
        return stages.FirstOrDefault(s => string.Equals(s.StageName, stage, StringComparison.OrdinalIgnoreCase))
            ?? throw new StorageException(StorageErrorCode.NotFound,
                $"{Configuration.File}: pipeline '{stages[0].PipelineName}' has no stage '{stage}'. Its stages: {StorageConfigurationReader.List(stages.Select(s => s.StageName))}.")
            { Operation = "configure" };
    }

    internal IStorageCredentialStore GetCredentialStore(string pipeline, string stage, IReadOnlyCollection<string> building) =>
        _credentials.For(pipeline, stage, building);

    /// <summary>
    /// Releases the credential pipeline, if one was built. Engines already built stay usable until disposed.
    /// Plugin load contexts are not unloadable and stay with the process (a later host reuses them).
    /// </summary>
    public void Dispose() => _credentials.DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal async ValueTask<IStorageEngine> BuildPipelineAsync(string pipeline, ImmutableList<string> building, CancellationToken cancellationToken)
    {
        if (building.Contains(pipeline, StringComparer.OrdinalIgnoreCase))
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"{Configuration.File}: $.pipelines.{pipeline} (pipeline '{pipeline}'): pipelines refer to each other in a cycle: {string.Join(" → ", building.Add(pipeline))}. Break the cycle.")
            { Operation = "configure" };
        }

        var problems = new List<ConfigurationProblem>(Configuration.Problems.Where(p => p.Pipeline is null));
        var plan = _planner.Plan(pipeline, problems);
        if (plan is null || problems.Count > 0)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration, Describe(pipeline, problems)) { Operation = "configure" };
        }

        return await _builder.BuildAsync(plan, building, cancellationToken);
    }

    internal static string Describe(string pipeline, IReadOnlyList<ConfigurationProblem> problems) =>
        problems.Count == 1
            ? problems[0].ToString()
            : $"Pipeline '{pipeline}' cannot be built ({problems.Count} problems):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}";
}
