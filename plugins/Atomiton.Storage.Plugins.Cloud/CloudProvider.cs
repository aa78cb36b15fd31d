using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>The <c>cloud</c> backend: an Atomiton Cloud server reached over HTTP.</summary>
public sealed class CloudProvider : StorageProvider<CloudOptions>
{
    /// <summary>The provider type in <c>plugins.json</c>.</summary>
    public const string TypeName = "cloud";

    /// <inheritdoc />
    public override string Name => TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    /// <inheritdoc />
    public override string Description => "Atomiton Cloud: any pipeline served by 'atomiton-storage serve', over an authenticated REST API with resumable uploads.";

    /// <summary>Connects to the server (one info request, which also checks the key) and returns the engine.</summary>
    /// <exception cref="StorageException">InvalidConfiguration (bad endpoint), AuthenticationFailed (bad key), NetworkError (unreachable), naming the stage.</exception>
    protected override async ValueTask<IStorageEngine> CreateAsync(CloudOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        await CloudEngine.ConnectAsync(options, context, cancellationToken);
}
