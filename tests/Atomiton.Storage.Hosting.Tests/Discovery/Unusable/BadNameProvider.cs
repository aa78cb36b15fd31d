using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Discovery.Unusable;

/// <summary>Internal, so the built-in scan of this assembly never sees it; ProviderTypeScannerTests passes it explicitly.</summary>
internal sealed class BadNameProvider : StorageProvider<ProbeOptions>
{
    public override string Name => "Bad_Name";

    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    public override string Description => "Has a name outside the grammar.";

    protected override ValueTask<IStorageEngine> CreateAsync(ProbeOptions options, StorageProviderContext context, CancellationToken cancellationToken) => throw new NotSupportedException();
}
