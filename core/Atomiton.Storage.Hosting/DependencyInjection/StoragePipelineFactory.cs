using Atomiton.Storage.Hosting.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Atomiton.Storage.Hosting.DependencyInjection;

/// <summary>The <see cref="IStoragePipelineFactory"/> over the container's <see cref="StorageHost"/>.</summary>
internal sealed class StoragePipelineFactory(StorageHost host, IServiceProvider services) : IStoragePipelineFactory
{
    public IReadOnlyList<string> PipelineNames => host.PipelineNames;

    public string? DefaultPipeline => host.DefaultPipeline;

    public IStorageEngine GetPipeline(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var declared = host.PipelineNames.FirstOrDefault(p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase));
        return declared is null
            ? throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"{host.Configuration.File}: $.pipelines (pipeline '{name}'): pipeline '{name}' is not declared. Declared pipelines: {StorageConfigurationReader.List(host.PipelineNames)}.")
            { Operation = "configure" }
            : services.GetRequiredKeyedService<IStorageEngine>(declared);
    }

    public ValueTask<IStorageEngine> CreatePipelineAsync(string name, CancellationToken cancellationToken = default) =>
        host.BuildPipelineAsync(name, cancellationToken);
}
