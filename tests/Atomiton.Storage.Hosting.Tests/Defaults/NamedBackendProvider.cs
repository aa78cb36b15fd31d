using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Defaults;

/// <summary>A backend under any name (filesystem, indexeddb…); internal, so the built-in scan of this assembly never sees it.</summary>
internal sealed class NamedBackendProvider(string name) : StorageProvider<NamedBackendOptions>
{
    public override string Name => name;

    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    public override string Description => "Stands in for a platform plugin.";

    protected override ValueTask<IStorageEngine> CreateAsync(NamedBackendOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new ProbeEngine(new ProbeOptions { Root = options.BaseDir, ApiKey = name }, context));
}
