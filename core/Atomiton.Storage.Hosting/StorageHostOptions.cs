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

    /// <summary>
    /// Where stages keep sign-in tokens when <c>plugins.json</c> names no credential pipeline: one
    /// encrypted file per stage (<c>docs/credentials.md</c>). Default: <c>atomiton-storage/credentials</c>
    /// in the user's application-data folder (on Linux <c>~/.config</c>).
    /// </summary>
    public string CredentialFolder { get; set; } = Path.Combine(UserFolder, "credentials");

    /// <summary>The owner-only file holding the 256-bit key that seals the credential folder's files; created on first use. Default: <c>credentials.key</c> beside the folder.</summary>
    public string CredentialKeyFile { get; set; } = Path.Combine(UserFolder, "credentials.key");

    /// <summary>How providers ask the user for consent while signing in (<c>atomiton-storage auth login</c> sets it); null otherwise, so a provider without a usable token fails with AuthorizationRequired.</summary>
    public Providers.IStorageAuthorizationPrompt? AuthorizationPrompt { get; set; }

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

    private static string UserFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "atomiton-storage");
}
