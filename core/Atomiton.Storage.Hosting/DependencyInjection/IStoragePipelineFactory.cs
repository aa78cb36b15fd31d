namespace Atomiton.Storage.Hosting.DependencyInjection;

/// <summary>Resolves the pipelines of <c>plugins.json</c> by name inside dependency injection.</summary>
public interface IStoragePipelineFactory
{
    /// <summary>The declared pipelines' names, sorted.</summary>
    IReadOnlyList<string> PipelineNames { get; }

    /// <summary>The default pipeline's name (the one the plain <see cref="IStorageEngine"/> resolves to), or null.</summary>
    string? DefaultPipeline { get; }

    /// <summary>
    /// The application's shared engine for a pipeline: the same instance as the keyed service
    /// <c>[FromKeyedServices(name)] IStorageEngine</c>, owned and disposed by the container.
    /// </summary>
    /// <exception cref="StorageException">InvalidConfiguration when the pipeline is not declared or cannot be built.</exception>
    IStorageEngine GetPipeline(string name);

    /// <summary>Builds a new, private engine for a pipeline; the caller owns and disposes it.</summary>
    /// <exception cref="StorageException">InvalidConfiguration when the pipeline is not declared or cannot be built.</exception>
    ValueTask<IStorageEngine> CreatePipelineAsync(string name, CancellationToken cancellationToken = default);
}
