using Microsoft.Extensions.DependencyInjection;

namespace Atomiton.Storage.Hosting.Tests.DependencyInjection;

/// <summary>An application service that takes two pipelines by name, as the DI sample does.</summary>
public sealed class PipelineConsumer([FromKeyedServices("local")] IStorageEngine local, [FromKeyedServices("secure")] IStorageEngine secure)
{
    public IStorageEngine Local { get; } = local;

    public IStorageEngine Secure { get; } = secure;
}
