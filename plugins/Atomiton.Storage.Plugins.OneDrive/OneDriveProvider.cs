using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>
/// The <c>onedrive</c> backend: a folder of a OneDrive (the app folder by default) through Microsoft Graph.
/// Sign-in (<c>atomiton-storage auth login &lt;pipeline&gt;/&lt;stage&gt;</c>) goes through MSAL
/// (Microsoft.Identity.Client) — device code or the browser with PKCE — and keeps MSAL's token cache in
/// the stage's credential store, refreshed (with rotation) by compare-and-swap.
/// </summary>
public sealed class OneDriveProvider : StorageProvider<OneDriveOptions>, IStorageSignInProvider
{
    /// <summary>The provider type in <c>plugins.json</c>.</summary>
    public const string TypeName = "onedrive";

    /// <inheritdoc />
    public override string Name => TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    /// <inheritdoc />
    public override string Description => "OneDrive (personal or business) through Microsoft Graph: the app folder or a chosen folder, upload sessions, delta change feed, If-Match conditions.";

    /// <inheritdoc />
    public IReadOnlyList<StorageSignInFlow> SignInFlows { get; } = [StorageSignInFlow.Browser, StorageSignInFlow.DeviceCode];

    /// <summary>Opens the stage's folder with its stored sign-in.</summary>
    /// <exception cref="StorageException">AuthorizationRequired when the stage has not signed in (or the sign-in was revoked); the errors of <see cref="OneDriveEngine"/>'s connection otherwise.</exception>
    protected override async ValueTask<IStorageEngine> CreateAsync(OneDriveOptions options, StorageProviderContext context, CancellationToken cancellationToken)
    {
        var signIn = new OneDriveSignIn(options, context);
        try
        {
            if (!await signIn.IsStoredAsync(cancellationToken))
            {
                throw context.AuthorizationRequired("it has not signed in to OneDrive", TypeName);
            }

            return await OneDriveEngine.ConnectAsync(options, context, signIn, transport: null, cancellationToken);
        }
        catch
        {
            signIn.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<StorageSignInStatus> SignInAsync(object options, StorageProviderContext context, StorageSignInFlow flow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!SignInFlows.Contains(flow))
        {
            throw StorageException.Unsupported($"sign-in by {flow}", TypeName, "OneDrive offers the device code and the browser (PKCE with a loopback redirect).");
        }

        using var signIn = new OneDriveSignIn(Typed(options), context);
        try
        {
            return await signIn.SignInAsync(flow, cancellationToken);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.AuthenticationFailed)
        {
            // Consent was refused (denied, expired, a forged redirect): nothing was stored.
            throw new StorageException(StorageErrorCode.AuthorizationRequired, $"Stage '{context.StageName}' of pipeline '{context.PipelineName}' is not signed in to OneDrive: {e.Message} Run `{StorageException.SignInCommand(context.PipelineName, context.StageName)}` again.", e)
            { Provider = TypeName, Operation = "sign-in" };
        }
    }

    /// <inheritdoc />
    public async ValueTask<StorageSignInStatus> GetSignInStatusAsync(object options, StorageProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var signIn = new OneDriveSignIn(Typed(options), context);
        return await signIn.StatusAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<bool> SignOutAsync(object options, StorageProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var signIn = new OneDriveSignIn(Typed(options), context);
        return await signIn.SignOutAsync(cancellationToken);
    }

    private static OneDriveOptions Typed(object options) =>
        options as OneDriveOptions ?? throw new ArgumentException($"Expected {nameof(OneDriveOptions)}, got {options?.GetType().Name ?? "null"}.", nameof(options));
}
