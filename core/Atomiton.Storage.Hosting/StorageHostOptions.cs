using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Atomiton.Storage.Hosting;

/// <summary>How to create a <see cref="StorageHost"/>.</summary>
public sealed class StorageHostOptions
{
    /// <summary>
    /// The configuration in the shape of <c>plugins.json</c>. When null, the host loads
    /// <see cref="ConfigurationFile"/> with environment overrides (see <see cref="Configuration.StorageConfigurationFile"/>).
    /// </summary>
    public IConfiguration? Configuration { get; set; }

    /// <summary>The configuration file: named in every error, and its folder is where relative paths resolve. Default <c>plugins.json</c>.</summary>
    public string ConfigurationFile { get; set; } = "plugins.json";

    /// <summary>Where relative paths resolve; default: the folder of <see cref="ConfigurationFile"/>.</summary>
    public string? BaseDirectory { get; set; }

    /// <summary>
    /// The assemblies scanned for built-in providers, through the same mechanism as plugins.
    /// Default: the core assemblies (<c>Atomiton.Storage</c>, <c>Atomiton.Storage.Resilience</c>).
    /// </summary>
    public IList<Assembly> BuiltInAssemblies { get; } = [.. CoreAssemblies.Find()];

    /// <summary>The clock handed to every engine.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where engines log, through the contract's <c>IStorageLogger</c>.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>The application's services, handed to engines when the host runs inside dependency injection.</summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>
    /// Where every stage's traces and metrics go (<c>Atomiton.Storage</c> source and meter). The host wraps
    /// each stage it builds; set to null to build pipelines without instrumentation.
    /// </summary>
    public Resilience.Observability.StorageTelemetry? Telemetry { get; set; } = Resilience.Observability.StorageTelemetry.Shared;
}
