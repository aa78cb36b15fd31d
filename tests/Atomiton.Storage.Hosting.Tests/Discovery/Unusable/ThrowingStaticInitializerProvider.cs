using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Discovery.Unusable;

/// <summary>Internal, so the built-in scan of this assembly never sees it; ProviderTypeScannerTests passes it explicitly.</summary>
internal sealed class ThrowingStaticInitializerProvider : StorageProvider<ProbeOptions>
{
    private static readonly string Licence;

    // An explicit static constructor, so it runs before the first instance is created (not at the first use of a static field).
    static ThrowingStaticInitializerProvider() => Licence = LoadLicence();

    public override string Name => "static-throwing" + Licence;

    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    public override string Description => "Throws from its static initializer.";

    protected override ValueTask<IStorageEngine> CreateAsync(ProbeOptions options, StorageProviderContext context, CancellationToken cancellationToken) => throw new NotSupportedException();

    private static string LoadLicence() => throw new FileNotFoundException("licence.key was not found");
}
