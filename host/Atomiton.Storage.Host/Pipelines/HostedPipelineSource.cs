using Atomiton.Storage.Host.Cli;
using Atomiton.Storage.Hosting;

namespace Atomiton.Storage.Host.Pipelines;

/// <summary>Pipelines built by the plugin host (<see cref="StorageHost"/>) from <c>plugins.json</c>.</summary>
internal sealed class HostedPipelineSource : IPipelineSource
{
    private HostedPipelineSource(string configurationFile, StorageHost host)
    {
        ConfigurationFile = configurationFile;
        Host = host;
    }

    public string ConfigurationFile { get; }

    public StorageHost Host { get; }

    /// <summary>Loads the configuration file and every plugin it points at.</summary>
    public static HostedPipelineSource Load(string configurationFile) =>
        new(configurationFile, StorageHost.Load(configurationFile));

    public string ResolveName(string? pipeline)
    {
        var declared = Host.Configuration.Pipelines.Keys.Order(StringComparer.Ordinal).ToList();
        if (string.IsNullOrEmpty(pipeline))
        {
            return Host.DefaultPipeline
                ?? throw new CommandLineException(ExitCodes.Configuration,
                    $"{ConfigurationFile} declares no defaultPipeline; pass --pipeline with one of: {List(declared)}.");
        }

        var match = declared.FirstOrDefault(name => string.Equals(name, pipeline, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new CommandLineException(ExitCodes.NotFound,
            $"Unknown pipeline '{pipeline}' in {ConfigurationFile}; declared pipelines: {List(declared)}. Run 'atomiton-storage pipelines' to see them.");
    }

    public ValueTask<IStorageEngine> OpenAsync(string? pipeline, CancellationToken cancellationToken) =>
        Host.BuildPipelineAsync(ResolveName(pipeline), cancellationToken);

    public void Dispose() => Host.Dispose();

    private static string List(List<string> names) => names.Count == 0 ? "(none)" : string.Join(", ", names);
}
