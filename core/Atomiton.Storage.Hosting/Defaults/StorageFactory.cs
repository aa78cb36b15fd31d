using Atomiton.Storage.Hosting.Catalogue;
using Atomiton.Storage.Hosting.Configuration;
using Microsoft.Extensions.Configuration;

namespace Atomiton.Storage.Hosting.Defaults;

/// <summary>
/// The seed's <c>createStorage()</c>: a smart default engine for applications that declare no
/// pipeline. An explicit engine wins; otherwise, on the desktop, the filesystem under the user's
/// app-data folder when the filesystem plugin is present; in the browser, IndexedDB, then
/// localStorage, as those plugins are present; memory when nothing else is.
/// </summary>
public static class StorageFactory
{
    /// <summary>The provider types tried in the browser, in order.</summary>
    public static IReadOnlyList<string> BrowserPreference { get; } = ["indexeddb", "localstorage", MemoryType];

    /// <summary>The provider types tried on the desktop and server, in order.</summary>
    public static IReadOnlyList<string> DesktopPreference { get; } = [FileSystemType, MemoryType];

    private const string FileSystemType = "filesystem";
    private const string MemoryType = "memory";
    private const string PipelineName = "default";

    /// <summary>Creates the default engine; the caller owns and disposes it.</summary>
    /// <exception cref="StorageException">InvalidConfiguration when no preferred provider (not even memory) is available, or when it fails to build.</exception>
    public static async ValueTask<IStorageEngine> CreateStorageAsync(StorageFactoryOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new StorageFactoryOptions();
        if (options.Engine is not null)
        {
            return options.Engine;
        }

        var catalogue = ProviderCatalogueBuilder.Build(options.BuiltInAssemblies, options.PluginDirectories.Select(Path.GetFullPath));
        return await CreateFromCatalogueAsync(catalogue, options, cancellationToken);
    }

    /// <summary>The provider type the default would use, given which types are available.</summary>
    public static string? ChooseType(bool isBrowser, Func<string, bool> isAvailable)
    {
        ArgumentNullException.ThrowIfNull(isAvailable);
        return (isBrowser ? BrowserPreference : DesktopPreference).FirstOrDefault(isAvailable);
    }

    internal static async ValueTask<IStorageEngine> CreateFromCatalogueAsync(ProviderCatalogue catalogue, StorageFactoryOptions options, CancellationToken cancellationToken)
    {
        bool isBrowser = options.IsBrowser ?? OperatingSystem.IsBrowser();
        string type = ChooseType(isBrowser, name => catalogue.TryGet(name, out _))
            ?? throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"No default storage is available: none of {string.Join(", ", isBrowser ? BrowserPreference : DesktopPreference)} was found. Reference Atomiton.Storage (memory) or add a plugin. Available types: {StorageConfigurationReader.List(catalogue.Names)}.")
            { Operation = "configure" };

        var settings = new Dictionary<string, string?>
        {
            ["defaultPipeline"] = PipelineName,
            [$"stages:{PipelineName}:type"] = type,
            [$"pipelines:{PipelineName}:chain:0"] = PipelineName,
        };
        if (type == FileSystemType)
        {
            string dataDirectory = options.ResolveDataDirectory();
            Directory.CreateDirectory(dataDirectory);
            settings[$"stages:{PipelineName}:options:baseDir"] = dataDirectory;
        }

        var hostOptions = new StorageHostOptions
        {
            ConfigurationFile = "(createStorage defaults)",
            BaseDirectory = AppContext.BaseDirectory,
            TimeProvider = options.TimeProvider,
            LoggerFactory = options.LoggerFactory,
        };
        var configuration = StorageConfigurationReader.Read(
            new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), hostOptions.ConfigurationFile, hostOptions.BaseDirectory);
        var host = new StorageHost(hostOptions, configuration, catalogue);
        return await host.BuildDefaultPipelineAsync(cancellationToken);
    }
}
