using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Discovery.Unusable;

/// <summary>Internal, so the built-in scan of this assembly never sees it; ProviderTypeScannerTests passes it explicitly.</summary>
internal sealed class ThrowingNameProvider : StorageProvider<ProbeOptions>
{
    public override string Name => throw new InvalidOperationException("name not configured");

    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    public override string Description => "Throws from Name.";

    protected override ValueTask<IStorageEngine> CreateAsync(ProbeOptions options, StorageProviderContext context, CancellationToken cancellationToken) => throw new NotSupportedException();
}
