using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Emulators.OAuth;

/// <summary>
/// An OAuth 2 authority on <c>http://127.0.0.1:&lt;free port&gt;/</c> for tests and demos:
/// <c>GET /authorize</c> (code flow with PKCE S256; approves at once and redirects, or shows the code
/// when there is no <c>redirect_uri</c>, as Dropbox's no-redirect flow does), <c>POST /token</c>
/// (<c>authorization_code</c>, <c>refresh_token</c> with optional rotation, device code),
/// <c>POST /device/code</c> (RFC 8628), <c>POST /revoke</c> (RFC 7009) and <c>GET /me</c> (a resource
/// that checks the bearer token). Parameters are read from the form body or the query string.
/// Errors have the RFC 6749 shape <c>{"error": …, "error_description": …}</c>. Thread-safe.
/// </summary>
public sealed class LoopbackOAuthAuthority : IAsyncDisposable
{
    /// <summary>The RFC 8628 grant type a device-code token request carries.</summary>
    public const string DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";

    private readonly WebApplication _app;
    private readonly LoopbackOAuthAuthorityState _state;

    private LoopbackOAuthAuthority(WebApplication app, LoopbackOAuthAuthorityState state, Uri address)
    {
        _app = app;
        _state = state;
        Address = address;
    }

    /// <summary>The base address, such as <c>http://127.0.0.1:49152/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The authorization endpoint (<c>GET /authorize</c>).</summary>
    public Uri AuthorizeEndpoint => new(Address, "authorize");

    /// <summary>The token endpoint (<c>POST /token</c>).</summary>
    public Uri TokenEndpoint => new(Address, "token");

    /// <summary>The device authorization endpoint (<c>POST /device/code</c>).</summary>
    public Uri DeviceEndpoint => new(Address, "device/code");

    /// <summary>The revocation endpoint (<c>POST /revoke</c>).</summary>
    public Uri RevokeEndpoint => new(Address, "revoke");

    /// <summary>A resource that checks the bearer token (<c>GET /me</c>).</summary>
    public Uri ResourceEndpoint => new(Address, "me");

    /// <summary>The state: approve device codes, see every secret issued, count refreshes.</summary>
    public LoopbackOAuthAuthorityState State => _state;

    /// <summary>Starts the authority on loopback, on <see cref="LoopbackOAuthAuthorityOptions.Port"/> (0: a free port).</summary>
    public static async Task<LoopbackOAuthAuthority> StartAsync(LoopbackOAuthAuthorityOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LoopbackOAuthAuthorityOptions();
        // No watch on an appsettings.json in the working folder: each watch is an inotify instance (128 per user by default).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        var app = builder.Build();
        var state = new LoopbackOAuthAuthorityState(options);
        var endpoints = new LoopbackOAuthEndpoints(state, options);
        app.MapGet("/authorize", endpoints.Authorize);
        app.MapPost("/token", endpoints.Token);
        app.MapPost("/device/code", endpoints.DeviceCode);
        app.MapPost("/revoke", endpoints.Revoke);
        app.MapGet("/me", endpoints.Me);
        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Urls.Single().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        return new LoopbackOAuthAuthority(app, state, address);
    }

    /// <summary>Stops the authority.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal static string NewSecret(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static string Challenge(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
