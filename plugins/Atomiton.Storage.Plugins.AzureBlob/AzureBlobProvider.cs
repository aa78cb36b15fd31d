using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.AzureBlob;

/// <summary>The <c>azureblob</c> backend: a container of Azure Blob Storage (or Azurite) through the Azure SDK.</summary>
public sealed class AzureBlobProvider : StorageProvider<AzureBlobOptions>
{
    /// <summary>The provider type in <c>plugins.json</c>.</summary>
    public const string TypeName = "azureblob";

    /// <inheritdoc />
    public override string Name => TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    /// <inheritdoc />
    public override string Description => "Azure Blob Storage: one container, with block uploads committed at the end, service-side conditions and copies, and MD5 hashes.";

    /// <summary>Connects to the container (one request, which also checks the credential) and returns the engine.</summary>
    /// <exception cref="StorageException">InvalidConfiguration (bad options, missing container), AuthenticationFailed (wrong credential), NetworkError (unreachable), naming the stage.</exception>
    protected override async ValueTask<IStorageEngine> CreateAsync(AzureBlobOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        await AzureBlobEngine.ConnectAsync(options, context, cancellationToken);
}
