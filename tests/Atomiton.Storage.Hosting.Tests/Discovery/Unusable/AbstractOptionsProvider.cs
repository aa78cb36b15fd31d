using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Discovery.Unusable;

/// <summary>Internal, so the built-in scan of this assembly never sees it; ProviderTypeScannerTests passes it explicitly.</summary>
internal sealed class AbstractOptionsProvider : IStorageProvider
{
    public string Name => "abstract-options";

    public StorageProviderKind Kind => StorageProviderKind.Backend;

    public string Description => "Declares an options type the host cannot create.";

    public Type OptionsType => typeof(Stream);

    public ValueTask<IStorageEngine> CreateAsync(object options, StorageProviderContext context, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
