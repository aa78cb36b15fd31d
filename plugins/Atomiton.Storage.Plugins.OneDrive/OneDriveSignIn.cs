using Atomiton.Storage.OAuth;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>
/// The stage's Microsoft sign-in: the identity platform's v2.0 endpoints for the configured tenant
/// (<c>{authorityHost}{tenant}/oauth2/v2.0/authorize|token|devicecode</c>), a public client (no secret),
/// and an <see cref="OAuthSession"/> over the stage's credential store. Microsoft has no revocation
/// endpoint, so signing out forgets the tokens here (revoke the app's access at account.microsoft.com).
/// </summary>
internal sealed class OneDriveSignIn : IOneDriveTokenSource, IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _authority;

    public OneDriveSignIn(OneDriveOptions options, StorageProviderContext context)
    {
        _authority = new Uri(new Uri(options.AuthorityHost.TrimEnd('/') + "/"), Uri.EscapeDataString(options.Tenant) + "/oauth2/v2.0/");
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
        var endpoints = new OAuthEndpoints
        {
            AuthorizationEndpoint = new Uri(_authority, "authorize"),
            TokenEndpoint = new Uri(_authority, "token"),
            DeviceAuthorizationEndpoint = new Uri(_authority, "devicecode"),
            ClientId = options.ClientId!,
            Scopes = options.Scopes,
        };
        Session = new OAuthSession(new OAuthClient(_http, endpoints, context.TimeProvider), context, OneDriveProvider.TypeName);
    }

    public OAuthSession Session { get; }

    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) => Session.GetAccessTokenAsync(cancellationToken);

    public ValueTask<string> RenewAsync(string rejected, CancellationToken cancellationToken) => Session.InvalidateAsync(rejected, cancellationToken);

    public StorageSignInStatus StatusOf(OAuthTokens? tokens) => tokens is null
        ? new StorageSignInStatus { SignedIn = false, Authority = _authority }
        : new StorageSignInStatus
        {
            SignedIn = true,
            AccessTokenExpiresAt = tokens.ExpiresAt,
            CanRefresh = tokens.RefreshToken is not null,
            Scopes = tokens.Scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
            Authority = _authority,
        };

    public void Dispose()
    {
        Session.Dispose();
        _http.Dispose();
    }
}
