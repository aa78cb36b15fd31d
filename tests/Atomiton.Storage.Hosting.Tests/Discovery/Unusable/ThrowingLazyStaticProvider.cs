using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Discovery.Unusable;

/// <summary>
/// Internal, so the built-in scan of this assembly never sees it; ProviderTypeScannerTests passes it explicitly.
/// Without a static constructor the field initializer runs at the first use of the field: here, when the host reads Name.
/// </summary>
internal sealed class ThrowingLazyStaticProvider : StorageProvider<ProbeOptions>
{
    private static readonly string Suffix = LoadSuffix();

    public override string Name => "lazy-static" + Suffix;

    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    public override string Description => "Throws from its static field initializer when Name is read.";

    protected override ValueTask<IStorageEngine> CreateAsync(ProbeOptions options, StorageProviderContext context, CancellationToken cancellationToken) => throw new NotSupportedException();

    private static string LoadSuffix() => throw new InvalidDataException("suffix.txt is empty");
}
