using Atomiton.Storage.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Atomiton.Storage.Plugins.Browser.Hosting;

/// <summary>
/// Builds the pipelines of a plugins.json-shaped configuration (<c>stages</c>, <c>pipelines</c> with their
/// <c>chain</c>, <c>defaultPipeline</c>) from providers registered by reference: the backend first, then each
/// wrapper around the engine beneath it, as the command-line host does. One instance per scope.
/// </summary>
internal sealed class BrowserStoragePipelines(IConfiguration configuration, BrowserStorageBuilder builder, IServiceProvider services, ILoggerFactory? loggerFactory)
    : IBrowserStoragePipelines, IAsyncDisposable
{
    private readonly Dictionary<string, Task<IStorageEngine>> _built = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _gate = new();
    private bool _disposed;

    public IReadOnlyList<string> PipelineNames =>
        [.. configuration.GetSection("pipelines").GetChildren().Select(p => p.Key).Order(StringComparer.Ordinal)];

    public string? DefaultPipeline => configuration["defaultPipeline"] is { Length: > 0 } name ? name : null;

    public async ValueTask<IStorageEngine> GetAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= DefaultPipeline ?? throw Invalid("$.defaultPipeline", $"no default pipeline is declared. Set defaultPipeline to one of: {string.Join(", ", PipelineNames)}.");
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

    private async ValueTask<IStorageEngine> BuildAsync(string name, CancellationToken cancellationToken)
    {
        var pipeline = configuration.GetSection("pipelines").GetChildren().FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid($"$.pipelines.{name}", $"pipeline '{name}' is not declared. Declared pipelines: {string.Join(", ", PipelineNames)}.");
        var chain = pipeline.GetSection("chain").GetChildren()
            .OrderBy(c => int.TryParse(c.Key, out int i) ? i : int.MaxValue)
            .Select(c => c.Value ?? "")
            .ToList();
        if (chain.Count == 0)
        {
            throw Invalid($"$.pipelines.{name}.chain", $"pipeline '{name}' has an empty chain. List its stages, outermost first, such as [\"browser\"].");
        }

        IStorageEngine? inner = null;
        try
        {
            for (int index = chain.Count - 1; index >= 0; index--)
            {
                inner = await BuildStageAsync(name, chain[index], $"$.pipelines.{name}.chain[{index}]", inner, cancellationToken);
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

    private async ValueTask<IStorageEngine> BuildStageAsync(string pipeline, string stageName, string chainPath, IStorageEngine? inner, CancellationToken cancellationToken)
    {
        var stage = configuration.GetSection("stages").GetChildren().FirstOrDefault(s => string.Equals(s.Key, stageName, StringComparison.OrdinalIgnoreCase));
        string type = stage?["type"] ?? stageName;
        string path = stage is null ? chainPath : $"$.stages.{stage.Key}";
        if (!builder.Providers.TryGetValue(type, out var entry))
        {
            throw Invalid(path, $"stage '{stageName}' of pipeline '{pipeline}' has type '{type}', which no registered provider has. Registered: {string.Join(", ", builder.Providers.Keys.Order(StringComparer.Ordinal))}. Browsers cannot load plugin folders: register the provider with AddProvider<TProvider, TOptions>().");
        }

        object options;
        try
        {
            options = entry.BindOptions(stage?.GetSection("options") ?? (IConfiguration)new ConfigurationBuilder().Build());
        }
        catch (InvalidOperationException e)
        {
            throw Invalid($"{path}.options", $"stage '{stageName}' of pipeline '{pipeline}': {e.Message}");
        }

        if (BrowserStorageBuilder.ProviderEntry.Validate(options) is { Count: > 0 } problems)
        {
            var first = problems[0];
            string option = first.MemberNames.FirstOrDefault() is { } member ? char.ToLowerInvariant(member[0]) + member[1..] : "options";
            throw Invalid($"{path}.options.{option}", $"stage '{stageName}' of pipeline '{pipeline}', option '{option}': {string.Join(" ", problems.Select(p => p.ErrorMessage))}");
        }

        var context = new StorageProviderContext
        {
            PipelineName = pipeline,
            StageName = stageName,
            Inner = inner,
            TimeProvider = builder.TimeProvider,
            Logger = new StageLogger((loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Atomiton.Storage." + type)),
            Services = services,
            ResolvePipeline = (other, token) => GetAsync(other, token),
        };
        return await entry.Provider.CreateAsync(options, context, cancellationToken);
    }

    private static StorageException Invalid(string jsonPath, string message) =>
        new(StorageErrorCode.InvalidConfiguration, $"configuration: {jsonPath}: {message}") { Operation = "configure" };

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
