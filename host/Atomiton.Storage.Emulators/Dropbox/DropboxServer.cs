using System.Net;
using System.Security.Cryptography;
using Atomiton.Storage.Emulators.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Emulators.Dropbox;

/// <summary>
/// A Dropbox API v2 server on loopback, written from the published reference: the RPC host
/// (<c>http://127.0.0.1:&lt;port&gt;/2/&lt;route&gt;</c>, JSON bodies, also <c>list_folder/longpoll</c>
/// and OAuth at <c>/oauth2/authorize</c> and <c>/oauth2/token</c>) and the content host (a second
/// port: <c>files/upload</c>, <c>files/download</c> and upload sessions, arguments in the
/// <c>Dropbox-API-Arg</c> header, results in <c>Dropbox-API-Result</c>). Errors come in Dropbox's
/// shapes (409 with the <c>.tag</c> chain, 400 plain text, 401, 429 with <c>retry_after</c>);
/// <see cref="Faults"/> scripts failures. Files are kept in a temporary folder, deleted on dispose.
/// </summary>
public sealed class DropboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataFolder;
    private readonly LoopbackOAuthAuthorityState _oauth;
    private readonly DropboxEmulatorOptions _options;

    private DropboxServer(WebApplication app, string dataFolder, LoopbackOAuthAuthorityState oauth, DropboxEmulatorOptions options, DropboxNamespace files, Uri api, Uri content)
    {
        _app = app;
        _dataFolder = dataFolder;
        _oauth = oauth;
        _options = options;
        Namespace = files;
        ApiAddress = api;
        ContentAddress = content;
    }

    /// <summary>The RPC host, such as <c>http://127.0.0.1:49152/</c> (stands for <c>api.dropboxapi.com</c> and <c>notify.dropboxapi.com</c>).</summary>
    public Uri ApiAddress { get; }

    /// <summary>The content host (stands for <c>content.dropboxapi.com</c>).</summary>
    public Uri ContentAddress { get; }

    /// <summary>The authorization page (stands for <c>www.dropbox.com/oauth2/authorize</c>).</summary>
    public Uri AuthorizeEndpoint => new(ApiAddress, "oauth2/authorize");

    /// <summary>The token endpoint (stands for <c>api.dropboxapi.com/oauth2/token</c>).</summary>
    public Uri TokenEndpoint => new(ApiAddress, "oauth2/token");

    /// <summary>The app key it accepts.</summary>
    public string AppKey => _options.AppKey;

    /// <summary>Scripted faults and request counts.</summary>
    public DropboxFaults Faults { get; } = new();

    /// <summary>The OAuth state: refresh counts, every secret issued (for tests that grep output), revocation.</summary>
    public LoopbackOAuthAuthorityState OAuth => _oauth;

    internal DropboxNamespace Namespace { get; }

    /// <summary>Bytes stored (what <c>users/get_space_usage</c> reports as used).</summary>
    public long UsedBytes => Namespace.Used;

    /// <summary>Starts the server on two loopback ports.</summary>
    public static async Task<DropboxServer> StartAsync(DropboxEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DropboxEmulatorOptions();
        string dataFolder = Path.Combine(Path.GetTempPath(), "atomiton-dropbox-emulator-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataFolder);
        // No watch on an appsettings.json in the working folder: each watch is an inotify instance (128 per user by default).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null; // the routes enforce Dropbox's 150 MiB per request themselves
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var oauthOptions = new LoopbackOAuthAuthorityOptions
        {
            ClientId = options.AppKey,
            AccessTokenLifetime = options.AccessTokenLifetime,
            RotateRefreshTokens = false, // Dropbox keeps one long-lived refresh token
            TimeProvider = options.TimeProvider,
        };
        var oauth = new LoopbackOAuthAuthorityState(oauthOptions);
        var files = new DropboxNamespace(dataFolder, options);
        var oauthEndpoints = new LoopbackOAuthEndpoints(oauth, oauthOptions);
        app.MapGet("/oauth2/authorize", oauthEndpoints.Authorize);
        app.MapPost("/oauth2/token", oauthEndpoints.Token);
        DropboxRoutes? routes = null;
        app.Map("/2/{**route}", (HttpContext context, string route) => routes!.HandleAsync(context, route));
        await app.StartAsync(cancellationToken);
        var urls = app.Urls.Select(u => new Uri(u.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/")).ToList();
        var api = options.Port != 0 ? urls.First(u => u.Port == options.Port) : urls[0];
        var content = urls.First(u => u != api);
        var server = new DropboxServer(app, dataFolder, oauth, options, files, api, content);
        routes = new DropboxRoutes(server, files, oauth, options, RandomNumberGenerator.GetBytes(32));
        return server;
    }

    /// <summary>Issues a signed-in user's tokens directly (tests that do not exercise the sign-in itself).</summary>
    /// <returns>An access token and a refresh token.</returns>
    public (string AccessToken, string RefreshToken) IssueTokens()
    {
        lock (_oauth.Gate)
        {
            string access = _oauth.Issue("sl.");
            _oauth.AccessTokens[access] = _options.TimeProvider.GetUtcNow() + _options.AccessTokenLifetime;
            string refresh = _oauth.Issue("refresh-");
            _oauth.RefreshTokens.Add(refresh);
            return (access, refresh);
        }
    }

    /// <summary>Makes every access token issued so far expire now (requests with them get 401 <c>expired_access_token</c>).</summary>
    public void ExpireAccessTokens()
    {
        lock (_oauth.Gate)
        {
            foreach (var token in _oauth.AccessTokens.Keys.ToList())
            {
                _oauth.AccessTokens[token] = DateTimeOffset.MinValue;
            }
        }
    }

    /// <summary>Invalidates every cursor issued so far: <c>list_folder/continue</c> and long polls on them answer <c>reset</c>.</summary>
    public void ResetCursors() => Namespace.ResetCursors();

    /// <summary>Whether the request came in on the content port.</summary>
    internal bool IsContentHost(HttpContext context) => context.Connection.LocalPort == ContentAddress.Port;

    /// <summary>Stops the server and deletes its files.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A download still streaming holds a file open on some systems; the temp folder is cleaned later.
        }
    }
}
