using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Discovery.Unusable;

/// <summary>Internal, so the built-in scan of this assembly never sees it; ProviderTypeScannerTests passes it explicitly.</summary>
internal sealed class ThrowingKindProvider : StorageProvider<ProbeOptions>
{
    public override string Name => "throwing-kind";

    public override StorageProviderKind Kind => throw new NotImplementedException("kind is decided later");

    public override string Description => "Throws from Kind.";

    protected override ValueTask<IStorageEngine> CreateAsync(ProbeOptions options, StorageProviderContext context, CancellationToken cancellationToken) => throw new NotSupportedException();
}
