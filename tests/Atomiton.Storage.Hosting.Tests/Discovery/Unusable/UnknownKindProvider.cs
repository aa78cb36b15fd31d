using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Discovery.Unusable;

/// <summary>Internal, so the built-in scan of this assembly never sees it; ProviderTypeScannerTests passes it explicitly.</summary>
internal sealed class UnknownKindProvider : StorageProvider<ProbeOptions>
{
    public override string Name => "unknown-kind";

    public override StorageProviderKind Kind => (StorageProviderKind)7;

    public override string Description => "Declares a kind that does not exist.";

    protected override ValueTask<IStorageEngine> CreateAsync(ProbeOptions options, StorageProviderContext context, CancellationToken cancellationToken) => throw new NotSupportedException();
}
