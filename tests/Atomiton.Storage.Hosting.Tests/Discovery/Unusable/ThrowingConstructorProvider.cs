using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Discovery.Unusable;

/// <summary>Internal, so the built-in scan of this assembly never sees it; ProviderTypeScannerTests passes it explicitly.</summary>
internal sealed class ThrowingConstructorProvider : StorageProvider<ProbeOptions>
{
    public ThrowingConstructorProvider() => throw new InvalidOperationException("no licence file");

    public override string Name => "throwing";

    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    public override string Description => "Throws from its constructor.";

    protected override ValueTask<IStorageEngine> CreateAsync(ProbeOptions options, StorageProviderContext context, CancellationToken cancellationToken) => throw new NotSupportedException();
}
