using Atomiton.Storage.Hosting.Configuration;
using Atomiton.Storage.Hosting.Pipelines;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Atomiton.Storage.Plugins.Browser.Hosting;

/// <summary>
/// Builds the pipelines of a plugins.json-shaped configuration (<c>stages</c>, <c>pipelines</c> with their
/// <c>chain</c>, <c>defaultPipeline</c>) from providers registered by reference. The configuration is read,
/// each chain checked and each stage's options bound and validated by the plugin host's own reader
/// (core/Shared/Configuration), so a problem names the same JSON path, pipeline, stage and option as the
/// command-line host would; then the backend is built first and each wrapper around the engine beneath it.
/// One instance per scope.
/// </summary>
internal sealed class BrowserStoragePipelines(IConfiguration configuration, BrowserStorageBuilder builder, IServiceProvider services, ILoggerFactory? loggerFactory)
    : IBrowserStoragePipelines, IAsyncDisposable
{
    private readonly Dictionary<string, Task<IStorageEngine>> _built = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _gate = new();
    private readonly StorageConfiguration _configuration = StorageConfigurationReader.Read(configuration, builder.ConfigurationFile, AppContext.BaseDirectory);
    private bool _disposed;

    public IReadOnlyList<string> PipelineNames => [.. _configuration.Pipelines.Keys.Order(StringComparer.Ordinal)];

    public string? DefaultPipeline => _configuration.DefaultPipeline;

    public async ValueTask<IStorageEngine> GetAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= DefaultPipeline ?? throw Invalid(
            $"{builder.ConfigurationFile}: {JsonPath.Combine(RootPath, "defaultPipeline")}: no default pipeline is declared. Set defaultPipeline to one of: {StorageConfigurationReader.List(PipelineNames)}.");
        Task<IStorageEngine> building;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_built.TryGetValue(name, out building!) || building.IsFaulted || building.IsCanceled)
            {
                building = BuildAsync(name, cancellationToken).AsTask();
                _built[name] = building;
            }
        }

        return await building.WaitAsync(cancellationToken);
    }

    private string RootPath => configuration is IConfigurationSection section ? section.Path : "";

    private async ValueTask<IStorageEngine> BuildAsync(string name, CancellationToken cancellationToken)
    {
        var problems = new List<ConfigurationProblem>(_configuration.Problems.Where(p => p.Pipeline is null));
        var plan = new PipelinePlanner(_configuration, builder).Plan(name, problems);
        if (plan is null || problems.Count > 0)
        {
            throw Invalid(Describe(name, problems));
        }

        IStorageEngine? inner = null;
        try
        {
            for (int index = plan.Stages.Count - 1; index >= 0; index--)
            {
                var stage = plan.Stages[index];
                var context = new StorageProviderContext
                {
                    PipelineName = plan.Name,
                    StageName = stage.StageName,
                    Inner = inner,
                    TimeProvider = builder.TimeProvider,
                    Logger = new StageLogger((loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Atomiton.Storage." + stage.Provider.Name)),
                    BaseDirectory = _configuration.BaseDirectory,
                    Services = services,
                    ResolvePipeline = (other, token) => GetAsync(other, token),
                };
                inner = await stage.Provider.CreateAsync(stage.Options, context, cancellationToken);
            }

            return inner!;
        }
        catch
        {
            if (inner is not null)
            {
                await inner.DisposeAsync();
            }

            throw;
        }
    }

    private static string Describe(string pipeline, List<ConfigurationProblem> problems) =>
        problems.Count == 1
            ? problems[0].ToString()
            : $"Pipeline '{pipeline}' cannot be built ({problems.Count} problems):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}";

    private static StorageException Invalid(string message) =>
        new(StorageErrorCode.InvalidConfiguration, message) { Operation = "configure" };

    public async ValueTask DisposeAsync()
    {
        Task<IStorageEngine>[] built;
        lock (_gate)
        {
            _disposed = true;
            built = [.. _built.Values];
            _built.Clear();
        }

        foreach (var task in built)
        {
            if (task.IsCompletedSuccessfully)
            {
                await task.Result.DisposeAsync();
            }
        }
    }

    /// <summary>The contract's tiny logger over Microsoft.Extensions.Logging.</summary>
    private sealed class StageLogger(ILogger logger) : IStorageLogger
    {
        public bool IsEnabled(StorageLogLevel level) => logger.IsEnabled(Map(level));

#pragma warning disable CA1848, CA2254, CA1873 // The message is already formatted by the engine.
        public void Log(StorageLogLevel level, string message, Exception? exception = null) => logger.Log(Map(level), exception, message);
#pragma warning restore CA1848, CA2254, CA1873

        private static LogLevel Map(StorageLogLevel level) => level switch
        {
            StorageLogLevel.Trace => LogLevel.Trace,
            StorageLogLevel.Debug => LogLevel.Debug,
            StorageLogLevel.Information => LogLevel.Information,
            StorageLogLevel.Warning => LogLevel.Warning,
            StorageLogLevel.Error => LogLevel.Error,
            _ => LogLevel.Critical,
        };
    }
}
