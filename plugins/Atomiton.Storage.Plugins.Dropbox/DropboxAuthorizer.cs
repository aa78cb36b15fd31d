using Atomiton.Storage.OAuth;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.Dropbox;

/// <summary>Where a request's bearer token comes from: a fixed token (option <c>accessToken</c>) or the stage's signed-in <see cref="OAuthSession"/>.</summary>
internal sealed class DropboxAuthorizer : IDisposable
{
    private readonly string? _fixedToken;
    private readonly OAuthSession? _session;
    private readonly HttpClient? _oauthHttp;

    private DropboxAuthorizer(string? fixedToken, OAuthSession? session, HttpClient? oauthHttp)
    {
        _fixedToken = fixedToken;
        _session = session;
        _oauthHttp = oauthHttp;
    }

    public static DropboxAuthorizer Create(DropboxOptions options, StorageProviderContext context, HttpMessageHandler? handler)
    {
        if (!string.IsNullOrEmpty(options.AccessToken))
        {
            return new DropboxAuthorizer(options.AccessToken, null, null);
        }

        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        var client = new OAuthClient(http, EndpointsOf(options), context.TimeProvider);
        return new DropboxAuthorizer(null, new OAuthSession(client, context, DropboxProvider.TypeName), http);
    }

    /// <summary>Dropbox's OAuth endpoints for <paramref name="options"/>: PKCE with <c>token_access_type=offline</c> (a refresh token), no revocation endpoint (Dropbox revokes with <c>auth/token/revoke</c>).</summary>
    public static OAuthEndpoints EndpointsOf(DropboxOptions options) => new()
    {
        ClientId = options.AppKey!,
        AuthorizationEndpoint = new Uri(options.AuthorizeAddress),
        TokenEndpoint = new Uri(options.TokenAddress),
        Scopes = [.. options.Scopes],
        AuthorizationParameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["token_access_type"] = "offline" },
    };

    public bool CanRefresh => _session is not null;

    public ValueTask<string> TokenAsync(CancellationToken cancellationToken) =>
        _fixedToken is not null ? ValueTask.FromResult(_fixedToken) : _session!.GetAccessTokenAsync(cancellationToken);

    /// <summary>After 401 <c>expired_access_token</c>: a refreshed token (null with a fixed token, which cannot be refreshed).</summary>
    public async ValueTask<string?> RefreshAsync(string rejected, CancellationToken cancellationToken) =>
        _session is null ? null : await _session.InvalidateAsync(rejected, cancellationToken);

    public void Dispose()
    {
        _session?.Dispose();
        _oauthHttp?.Dispose();
    }
}
