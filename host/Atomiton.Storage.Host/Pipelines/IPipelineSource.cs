using Atomiton.Storage.Hosting;

namespace Atomiton.Storage.Host.Pipelines;

/// <summary>
/// The one seam between the commands and the plugin host: given the configuration file, it
/// exposes the catalogue and configuration and builds pipeline engines by name.
/// </summary>
internal interface IPipelineSource : IDisposable
{
    /// <summary>The configuration file as the user named it.</summary>
    string ConfigurationFile { get; }

    /// <summary>The loaded host: catalogue, configuration, validation.</summary>
    StorageHost Host { get; }

    /// <summary>The name <c>--pipeline</c> resolves to: the given one, else the default pipeline.</summary>
    /// <exception cref="Cli.CommandLineException">NotFound for an undeclared pipeline; Configuration when none is given and no default is declared.</exception>
    string ResolveName(string? pipeline);

    /// <summary>Builds the engine of a pipeline; the caller disposes it.</summary>
    /// <exception cref="StorageException">InvalidConfiguration naming the stage and option, or the provider's error.</exception>
    ValueTask<IStorageEngine> OpenAsync(string? pipeline, CancellationToken cancellationToken);
}
