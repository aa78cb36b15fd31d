using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Atomiton.Storage.Hosting.Defaults;

/// <summary>What <see cref="StorageFactory.CreateStorageAsync"/> may use; every setting has a sensible default.</summary>
public sealed class StorageFactoryOptions
{
    /// <summary>An engine to use as it is; when set, nothing else is looked at (the explicit engine wins).</summary>
    public IStorageEngine? Engine { get; set; }

    /// <summary>Where to look for plugin folders. Default: <c>plugins</c> beside the application.</summary>
    public IList<string> PluginDirectories { get; } = [Path.Combine(AppContext.BaseDirectory, "plugins")];

    /// <summary>The folder the desktop default (filesystem) stores in. Default: <c>&lt;app-data&gt;/&lt;ApplicationName&gt;/storage</c>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The application's folder name under the user's app-data folder. Default <c>Atomiton</c>.</summary>
    public string ApplicationName { get; set; } = "Atomiton";

    /// <summary>Whether to choose as in a browser; default <see cref="OperatingSystem.IsBrowser"/>.</summary>
    public bool? IsBrowser { get; set; }

    /// <summary>The assemblies scanned for built-in providers (default: the core assemblies).</summary>
    public IList<Assembly> BuiltInAssemblies { get; } = [.. CoreAssemblies.Find()];

    /// <summary>The clock handed to the engine.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the engine logs.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>The data folder that applies: <see cref="DataDirectory"/> or the default under app-data.</summary>
    public string ResolveDataDirectory() =>
        DataDirectory ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), ApplicationName, "storage");
}
