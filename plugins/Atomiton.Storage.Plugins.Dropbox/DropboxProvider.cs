using Atomiton.Storage.OAuth;
using Atomiton.Storage.Plugins.Dropbox.Wire;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.Dropbox;

/// <summary>
/// The <c>dropbox</c> backend (Dropbox API v2), and its sign-in for <c>atomiton-storage auth
/// login|status|logout</c>: PKCE with <c>token_access_type=offline</c>, in a browser with a loopback
/// redirect or without a redirect (the user pastes the code Dropbox shows, for terminals); the
/// refresh token is kept in the stage's credential store and used when the access token expires.
/// </summary>
public sealed class DropboxProvider : StorageProvider<DropboxOptions>, IStorageSignInProvider
{
    /// <summary>The provider type in <c>plugins.json</c>.</summary>
    public const string TypeName = "dropbox";

    /// <inheritdoc />
    public override string Name => TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    /// <inheritdoc />
    public override string Description => "Dropbox (API v2): an app folder or a folder of the whole Dropbox, signed in with PKCE; upload sessions, content hashes, a change feed.";

    /// <summary>Browser (loopback redirect, which the app must list in the App Console) first, then the pasted code.</summary>
    public IReadOnlyList<StorageSignInFlow> SignInFlows { get; } = [StorageSignInFlow.Browser, StorageSignInFlow.PastedCode];

    /// <summary>Creates the engine (no request is sent until the first operation).</summary>
    /// <exception cref="StorageException">InvalidConfiguration, AuthorizationRequired (not signed in).</exception>
    protected override async ValueTask<IStorageEngine> CreateAsync(DropboxOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        await DropboxEngine.ConnectAsync(options, context, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<StorageSignInStatus> SignInAsync(object options, StorageProviderContext context, StorageSignInFlow flow, CancellationToken cancellationToken = default)
    {
        var dropbox = OptionsOf(options);
        ArgumentNullException.ThrowIfNull(context);
        var oauthFlow = flow switch
        {
            StorageSignInFlow.Browser => OAuthFlow.Browser,
            StorageSignInFlow.PastedCode => OAuthFlow.PastedCode,
            _ => throw new StorageException(StorageErrorCode.UnsupportedOperation, $"Dropbox has no {flow} sign-in; use the browser or the pasted code (stage '{context.StageName}' of pipeline '{context.PipelineName}').") { Provider = TypeName },
        };
        using var http = new HttpClient();
        using var session = new OAuthSession(new OAuthClient(http, DropboxAuthorizer.EndpointsOf(dropbox), context.TimeProvider), context, TypeName);
        try
        {
            await session.SignInAsync(oauthFlow, cancellationToken);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.AuthenticationFailed)
        {
            throw context.AuthorizationRequired(e.Message, TypeName);
        }

        return await GetSignInStatusAsync(options, context, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<StorageSignInStatus> GetSignInStatusAsync(object options, StorageProviderContext context, CancellationToken cancellationToken = default)
    {
        var dropbox = OptionsOf(options);
        ArgumentNullException.ThrowIfNull(context);
        var authority = new Uri(dropbox.TokenAddress);
        using var http = new HttpClient();
        using var session = new OAuthSession(new OAuthClient(http, DropboxAuthorizer.EndpointsOf(dropbox), context.TimeProvider), context, TypeName);
        if (context.Credentials is null || await session.PeekAsync(cancellationToken) is not { } tokens)
        {
            return new StorageSignInStatus { SignedIn = false, Authority = authority, Detail = $"Not signed in: run {StorageException.SignInCommand(context.PipelineName, context.StageName)}." };
        }

        string? account = null;
        string? detail = null;
        try
        {
            await using var engine = await DropboxEngine.ConnectAsync(dropbox, context, cancellationToken);
            account = await engine.AccountAsync(cancellationToken);
            tokens = await session.PeekAsync(cancellationToken) ?? tokens;
        }
        catch (StorageException e) when (e.Code is StorageErrorCode.AuthorizationRequired or StorageErrorCode.AuthenticationFailed)
        {
            return new StorageSignInStatus { SignedIn = false, Authority = authority, Detail = $"{e.Message}" };
        }
        catch (StorageException e) when (e.Code is StorageErrorCode.NetworkError or StorageErrorCode.Timeout)
        {
            detail = $"Dropbox could not be reached to confirm the account: {e.Message}";
        }

        return new StorageSignInStatus
        {
            SignedIn = true,
            Account = account,
            AccessTokenExpiresAt = tokens.ExpiresAt,
            CanRefresh = tokens.RefreshToken is not null,
            Scopes = tokens.Scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
            Authority = authority,
            Detail = detail,
        };
    }

    /// <summary>Revokes the access token at Dropbox (<c>auth/token/revoke</c>, best effort) and forgets the stage's tokens.</summary>
    public async ValueTask<bool> SignOutAsync(object options, StorageProviderContext context, CancellationToken cancellationToken = default)
    {
        var dropbox = OptionsOf(options);
        ArgumentNullException.ThrowIfNull(context);
        using var http = new HttpClient();
        using var session = new OAuthSession(new OAuthClient(http, DropboxAuthorizer.EndpointsOf(dropbox), context.TimeProvider), context, TypeName);
        if (context.Credentials is null || await session.PeekAsync(cancellationToken) is null)
        {
            return false;
        }

        try
        {
            await using var engine = await DropboxEngine.ConnectAsync(dropbox, context, cancellationToken);
            await engine.RevokeAsync(cancellationToken);
        }
        catch (StorageException e) when (e.Code is StorageErrorCode.AuthorizationRequired or StorageErrorCode.AuthenticationFailed or StorageErrorCode.NetworkError or StorageErrorCode.Timeout)
        {
            context.Logger.Log(StorageLogLevel.Warning, $"dropbox: stage '{context.StageName}' of pipeline '{context.PipelineName}': the token could not be revoked at Dropbox ({e.Code}); it is forgotten here. Remove the app's access at dropbox.com/account/connected_apps if needed.");
        }

        return await session.SignOutAsync(cancellationToken);
    }

    private static DropboxOptions OptionsOf(object options) => options as DropboxOptions
        ?? throw new ArgumentException($"Expected {nameof(DropboxOptions)}, got {options?.GetType().Name ?? "null"}.", nameof(options));
}
