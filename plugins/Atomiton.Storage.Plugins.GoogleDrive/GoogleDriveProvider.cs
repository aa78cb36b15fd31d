using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>The <c>gdrive</c> backend: Google Drive v3, signed in through the stage's credential store.</summary>
public sealed class GoogleDriveProvider : StorageProvider<GoogleDriveOptions>, IStorageSignInProvider
{
    /// <summary>The provider type in <c>plugins.json</c>.</summary>
    public const string TypeName = "gdrive";

    /// <inheritdoc />
    public override string Name => TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    /// <inheritdoc />
    public override string Description => "Google Drive (v3): objects as files of the app-data folder (drive.appdata) or of a folder of the app's own (drive.file); resumable uploads, change feed.";

    /// <inheritdoc />
    public IReadOnlyList<StorageSignInFlow> SignInFlows { get; } = [StorageSignInFlow.Browser];

    /// <summary>Connects (one request that finds the folder and checks the sign-in) and returns the engine.</summary>
    /// <exception cref="StorageException">AuthorizationRequired (never signed in, or the grant was revoked), InvalidConfiguration, NetworkError, naming the stage.</exception>
    protected override async ValueTask<IStorageEngine> CreateAsync(GoogleDriveOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        await GoogleDriveEngine.ConnectAsync(options, context, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StorageSignInStatus> SignInAsync(object options, StorageProviderContext context, StorageSignInFlow flow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (flow != StorageSignInFlow.Browser)
        {
            throw StorageException.Unsupported($"the {flow} sign-in flow", TypeName, "Google.Apis.Auth offers the installed-app (browser, loopback) flow; run auth login without --device");
        }

        return GoogleSignIn.SignInAsync(Typed(options, context), context, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<StorageSignInStatus> GetSignInStatusAsync(object options, StorageProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return GoogleSignIn.GetStatusAsync(Typed(options, context), context, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> SignOutAsync(object options, StorageProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return GoogleSignIn.SignOutAsync(Typed(options, context), context, cancellationToken);
    }

    private GoogleDriveOptions Typed(object options, StorageProviderContext context) =>
        options as GoogleDriveOptions ?? throw new StorageException(StorageErrorCode.InvalidConfiguration,
            $"Provider '{Name}' expects options of type {typeof(GoogleDriveOptions).FullName} but got {options?.GetType().FullName ?? "null"} (stage '{context.StageName}' of pipeline '{context.PipelineName}').")
        { Provider = Name, Operation = "sign-in" };
}
