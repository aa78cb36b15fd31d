using Atomiton.Storage.Host.Cli;
using Atomiton.Storage.Hosting;
using Atomiton.Storage.Hosting.Configuration;

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

    /// <summary>
    /// Loads the configuration file (with environment overrides) and every plugin it points at.
    /// <paramref name="configurationFile"/> is the file as the user named it, shown in messages;
    /// <paramref name="fullPath"/> is where it is, and its folder is where its relative paths resolve.
    /// </summary>
    /// <exception cref="StorageException">InvalidConfiguration when the file is missing or not JSON.</exception>
    public static HostedPipelineSource Load(string configurationFile, string fullPath)
    {
        if (!File.Exists(fullPath))
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"The configuration file '{configurationFile}' (resolved to '{fullPath}') does not exist. Create it (see docs/plugins-json.md) or pass the right path.")
            { Operation = "configure" };
        }

        var configuration = StorageConfigurationFile.Load(fullPath, configurationFile);

        var host = StorageHost.Create(new StorageHostOptions
        {
            Configuration = configuration,
            ConfigurationFile = configurationFile,
            BaseDirectory = Path.GetDirectoryName(fullPath),
        });
        return new HostedPipelineSource(configurationFile, host);
    }

    public string ResolveName(string? pipeline)
    {
        var declared = Host.Configuration.Pipelines.Keys.Order(StringComparer.Ordinal).ToList();
        if (declared.Count == 0)
        {
            throw new CommandLineException(ExitCodes.Configuration,
                $"{ConfigurationFile} declares no pipelines; declare one under pipelines, such as \"pipelines\": {{ \"local\": {{ \"chain\": [\"memory\"] }} }} (see docs/plugins-json.md).");
        }

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

    private static string List(List<string> names) => string.Join(", ", names);
}
