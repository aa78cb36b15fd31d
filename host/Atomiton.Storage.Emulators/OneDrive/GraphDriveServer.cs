using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Atomiton.Storage.Emulators.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Emulators.OneDrive;

/// <summary>
/// A Microsoft Graph drive on loopback, written from the published Graph v1.0 reference: the API on
/// <c>http://127.0.0.1:&lt;port&gt;/v1.0/</c> (bearer token required) and the pre-authenticated download,
/// upload-session and copy-monitor addresses on <c>http://localhost:&lt;port&gt;/</c> — another host name, so
/// clients that must not send the token there are tested as against the service. Microsoft identity
/// platform v2.0 endpoints (<c>/{tenant}/oauth2/v2.0/authorize|token|devicecode</c>) issue the tokens; a
/// user approves a device code at <c>/device?user_code=…</c>. Scripted faults (<see cref="AddFault"/>) and
/// the request log (<see cref="Requests"/>) serve fault tests and request counts. Thread-safe.
/// </summary>
/// <remarks>
/// MSAL refuses an authority that is not https, so the identity endpoints are also served on a second
/// loopback port over https (<see cref="AuthorityHost"/>), with a self-signed certificate made at start
/// (<see cref="AuthorityCertificate"/>) that clients trust by pinning <see cref="AuthorityCertificateThumbprint"/>.
/// There, <c>/{tenant}/v2.0/.well-known/openid-configuration</c> describes the endpoints as Microsoft's does.
/// </remarks>
public sealed class GraphDriveServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GraphDriveStore _store;
    private readonly GraphDriveApi _api;
    private readonly LoopbackOAuthAuthorityState _oauth;
    private readonly LoopbackOAuthEndpoints _oauthEndpoints;
    private readonly List<GraphDriveFault> _faults = [];
    private readonly List<GraphDriveRequest> _requests = [];
    private readonly HashSet<string> _staticTokens = new(StringComparer.Ordinal);
    private int _port;
    private int _authorityPort;

    private GraphDriveServer(WebApplication app, GraphDriveOptions options, X509Certificate2 certificate)
    {
        _app = app;
        AuthorityCertificate = certificate;
        _store = new GraphDriveStore(options);
        _api = new GraphDriveApi(_store, () => ApiBase, () => ContentBase);
        var oauthOptions = new LoopbackOAuthAuthorityOptions
        {
            ClientId = options.ClientId,
            AccessTokenLifetime = options.AccessTokenLifetime,
            DeviceInterval = 1,
            MicrosoftIdentity = true,
            BeforeRefresh = options.BeforeRefresh,
            TimeProvider = options.TimeProvider,
        };
        _oauth = new LoopbackOAuthAuthorityState(oauthOptions);
        _oauthEndpoints = new LoopbackOAuthEndpoints(_oauth, oauthOptions);
    }

    /// <summary>The server root on the API host name, such as <c>http://127.0.0.1:49152/</c>.</summary>
    public Uri ApiBase => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_port}/"));

    /// <summary>The Graph base address a client configures: <c>http://127.0.0.1:&lt;port&gt;/v1.0</c>.</summary>
    public Uri GraphBaseUrl => new(ApiBase, "v1.0");

    /// <summary>The host of downloads, uploads and monitors: <c>http://localhost:&lt;port&gt;/</c>.</summary>
    public Uri ContentBase => new(string.Create(CultureInfo.InvariantCulture, $"http://localhost:{_port}/"));

    /// <summary>
    /// The https authority host a client configures (the tenant follows it: <c>…/consumers/oauth2/v2.0/token</c>),
    /// such as <c>https://127.0.0.1:49153/</c>; its certificate is <see cref="AuthorityCertificate"/>.
    /// </summary>
    public Uri AuthorityHost => new(string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{_authorityPort}/"));

    /// <summary>The self-signed certificate of <see cref="AuthorityHost"/>, made at start.</summary>
    public X509Certificate2 AuthorityCertificate { get; }

    /// <summary>The SHA-256 thumbprint of <see cref="AuthorityCertificate"/> that clients pin (the <c>onedrive</c> option <c>authorityCertificateThumbprint</c>).</summary>
    public string AuthorityCertificateThumbprint => LoopbackCertificate.Thumbprint(AuthorityCertificate);

    /// <summary>The drive's id (what <c>GET /me/drive</c> answers).</summary>
    public string DriveId => _store.DriveId;

    /// <summary>The OAuth state: approve device codes, revoke refresh tokens, see every issued secret.</summary>
    public LoopbackOAuthAuthorityState OAuth => _oauth;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<GraphDriveRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts the drive on loopback.</summary>
    public static async Task<GraphDriveServer> StartAsync(GraphDriveOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new GraphDriveOptions();
        var certificate = LoopbackCertificate.Create();
        // No watch on an appsettings.json in the working folder: each watch is an inotify instance (128 per user by default).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
        });
        var app = builder.Build();
        var server = new GraphDriveServer(app, options, certificate);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        var urls = app.Urls.Select(u => new Uri(u)).ToList();
        server._port = urls.Single(u => u.Scheme == Uri.UriSchemeHttp).Port;
        server._authorityPort = urls.Single(u => u.Scheme == Uri.UriSchemeHttps).Port;
        return server;
    }

    /// <summary>Accepts <paramref name="accessToken"/> as a bearer token (tests that do not sign in).</summary>
    public void AddAccessToken(string accessToken)
    {
        lock (_staticTokens)
        {
            _staticTokens.Add(accessToken);
        }
    }

    /// <summary>Applies <paramref name="fault"/> to the next matching requests.</summary>
    public void AddFault(GraphDriveFault fault)
    {
        lock (_faults)
        {
            _faults.Add(fault);
        }
    }

    /// <summary>Forgets the request log (between a test's set-up and what it counts).</summary>
    public void ClearRequests()
    {
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    /// <summary>Makes every delta token issued so far answer 410 <c>resyncRequired</c>, as after the service trimmed its change history.</summary>
    public void ExpireDeltaTokens()
    {
        lock (_store.Gate)
        {
            _store.OldestDeltaSequence = _store.Sequence;
        }
    }

    /// <summary>Expires every open upload session now.</summary>
    public void ExpireUploadSessions()
    {
        lock (_store.Gate)
        {
            _store.UploadSessions.Clear();
        }
    }

    /// <summary>
    /// Puts files straight into the store below the app folder (creating <paramref name="folderPath"/>), as
    /// if they had been uploaded: no requests, nothing in the request log, each a change delta reports. A
    /// test hook for request counts over many keys, which uploading one by one would make slow.
    /// </summary>
    /// <param name="folderPath">The folder below the app folder, such as <c>many</c> or <c>a/b</c> (empty: the app folder).</param>
    /// <param name="files">Each file's name and content; an existing file of that name gets the new content.</param>
    public void SeedFiles(string folderPath, IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        ArgumentNullException.ThrowIfNull(folderPath);
        ArgumentNullException.ThrowIfNull(files);
        lock (_store.Gate)
        {
            var folder = _store.AppFolder;
            foreach (string segment in folderPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!folder.Children.TryGetValue(segment, out var child))
                {
                    child = _store.CreateFolder(folder, segment, _store.Now);
                }
                else if (!child.IsFolder)
                {
                    throw new InvalidOperationException($"'{segment}' of the seed path '{folderPath}' is a file, not a folder.");
                }

                folder = child;
            }

            foreach (var (name, content) in files)
            {
                if (folder.Children.TryGetValue(name, out var existing) && !existing.IsFolder)
                {
                    _store.SetContent(existing, content, null);
                }
                else
                {
                    _store.CreateFile(folder, name, content, null);
                }
            }
        }
    }

    /// <summary>The drive's used bytes.</summary>
    public long UsedBytes
    {
        get
        {
            lock (_store.Gate)
            {
                return _store.Used;
            }
        }
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        AuthorityCertificate.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var record = new GraphDriveRequest(request.Method, request.Host.Host, target, request.Headers.Authorization.Count > 0);
        lock (_requests)
        {
            _requests.Add(record);
        }

        var fault = TakeFault(record);
        if (fault is { Kind: GraphDriveFaultKind.DropConnection })
        {
            await DrainAsync(request);
            context.Abort();
            return;
        }

        if (fault is { Kind: GraphDriveFaultKind.Answer })
        {
            await DrainAsync(request);
            var answer = _api.Error(fault.Status, fault.Code, $"Scripted fault: {fault.Code}.");
            if (fault.RetryAfterSeconds is { } seconds)
            {
                answer.With("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
            }

            await WriteAsync(context, answer, record);
            return;
        }

        string path = target.Split('?')[0];
        GraphResult result;
        if (path.StartsWith("/v1.0/", StringComparison.Ordinal))
        {
            result = fault is { Kind: GraphDriveFaultKind.RevokeAccessToken } ? Revoke(request) : Authenticate(request) ?? await ApiAsync(context, target);
        }
        else if (path.StartsWith("/download/", StringComparison.Ordinal))
        {
            await DownloadAsync(context, Uri.UnescapeDataString(path["/download/".Length..]), record);
            return;
        }
        else if (path.StartsWith("/upload/", StringComparison.Ordinal))
        {
            result = await UploadFragmentAsync(context, path["/upload/".Length..]);
        }
        else if (path.StartsWith("/monitor/", StringComparison.Ordinal))
        {
            result = Monitor(path["/monitor/".Length..]);
        }
        else if (path.Contains("/oauth2/v2.0/", StringComparison.Ordinal) || path == "/device" || path.EndsWith("/v2.0/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            await OAuthAsync(context, path, record);
            return;
        }
        else
        {
            result = _api.Error(404, "itemNotFound", $"Nothing is served at '{path}'.");
        }

        if (fault is { Kind: GraphDriveFaultKind.ExpireUploadSessions })
        {
            ExpireUploadSessions();
        }

        await WriteAsync(context, result, record);
    }

    private GraphDriveFault? TakeFault(GraphDriveRequest request)
    {
        lock (_faults)
        {
            for (int i = 0; i < _faults.Count; i++)
            {
                var fault = _faults[i];
                if (fault.Matches(request))
                {
                    _faults[i] = fault with { Times = fault.Times - 1 };
                    if (fault.Times <= 1)
                    {
                        _faults.RemoveAt(i);
                    }

                    return fault;
                }
            }
        }

        return null;
    }

    private GraphResult? Authenticate(HttpRequest request)
    {
        string header = request.Headers.Authorization.ToString();
        string? token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..] : null;
        if (token is not null)
        {
            lock (_staticTokens)
            {
                if (_staticTokens.Contains(token))
                {
                    return null;
                }
            }

            lock (_oauth.Gate)
            {
                if (_oauth.AccessTokens.TryGetValue(token, out var expires) && expires > _store.Now)
                {
                    return null;
                }
            }
        }

        return _api.Error(401, "InvalidAuthenticationToken", token is null ? "Access token is empty." : "Access token has expired or is not valid yet.")
            .With("WWW-Authenticate", "Bearer realm=\"\", error=\"invalid_token\"");
    }

    private GraphResult Revoke(HttpRequest request)
    {
        string header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            string token = header[7..];
            lock (_oauth.Gate)
            {
                _oauth.AccessTokens.Remove(token);
            }

            lock (_staticTokens)
            {
                _staticTokens.Remove(token);
            }
        }

        return _api.Error(401, "InvalidAuthenticationToken", "Access token has expired or is not valid yet.");
    }

    private async Task<GraphResult> ApiAsync(HttpContext context, string target)
    {
        var request = context.Request;
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        body.Position = 0;
        string[] parts = target.Split('?', 2);
        string path = parts[0]["/v1.0".Length..];
        var query = QueryOf(parts.Length > 1 ? parts[1] : "");
        if (path == "/$batch" && request.Method == "POST")
        {
            return Batch(body);
        }

        return _api.Dispatch(new GraphCall(request.Method, path, query, name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null, body));
    }

    private GraphResult Batch(MemoryStream body)
    {
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            return _api.Error(400, "invalidRequest", "The $batch body is not valid JSON: " + e.Message);
        }

        if (document?["requests"] is not JsonArray requests || requests.Count is 0 or > 20)
        {
            return _api.Error(400, "invalidRequest", "A $batch body holds 1 to 20 requests in 'requests'.");
        }

        var responses = new JsonArray();
        foreach (var entry in requests)
        {
            string id = entry?["id"]?.ToString() ?? "";
            string method = entry?["method"]?.GetValue<string>()?.ToUpperInvariant() ?? "GET";
            string url = entry?["url"]?.GetValue<string>() ?? "";
            url = "/" + url.TrimStart('/');
            var headers = entry?["headers"] as JsonObject;
            byte[] entryBody = entry?["body"] is { } b ? JsonSerializer.SerializeToUtf8Bytes(b) : [];
            var record = new GraphDriveRequest(method, "127.0.0.1", "/v1.0" + url, HadAuthorization: true);
            var fault = TakeFault(record);
            GraphResult result;
            if (fault is { Kind: GraphDriveFaultKind.Answer })
            {
                result = _api.Error(fault.Status, fault.Code, $"Scripted fault: {fault.Code}.");
                if (fault.RetryAfterSeconds is { } seconds)
                {
                    result.With("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
                }
            }
            else
            {
                string[] parts = url.Split('?', 2);
                result = _api.Dispatch(new GraphCall(method, parts[0], QueryOf(parts.Length > 1 ? parts[1] : ""),
                    name => headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.ToString(), new MemoryStream(entryBody)));
            }

            var headerJson = new JsonObject();
            foreach (var (name, value) in result.Headers)
            {
                headerJson[name] = value;
            }

            responses.Add(new JsonObject { ["id"] = id, ["status"] = result.Status, ["headers"] = headerJson, ["body"] = result.Body?.DeepClone() });
        }

        return GraphResult.Json(200, new JsonObject { ["responses"] = responses });
    }

    private async Task DownloadAsync(HttpContext context, string token, GraphDriveRequest record)
    {
        byte[] content;
        lock (_store.Gate)
        {
            if (!_store.Downloads.TryGetValue(token, out var item) || !_store.Items.ContainsKey(item.Id)
                || token != item.Id + "." + item.ContentVersion.ToString(CultureInfo.InvariantCulture))
            {
                content = [];
                item = null;
            }
            else
            {
                content = item.Content;
            }

            if (item is null)
            {
                _ = WriteAsync(context, _api.Error(404, "itemNotFound", "The download address has expired; ask for the item's content again."), record);
                return;
            }
        }

        var response = context.Response;
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = "application/octet-stream";
        long start = 0, end = content.LongLength - 1;
        if (System.Net.Http.Headers.RangeHeaderValue.TryParse(context.Request.Headers.Range.ToString(), out var range) && range.Ranges.Count == 1)
        {
            var r = range.Ranges.First();
            if (r.From is { } from)
            {
                start = from;
                end = Math.Min(r.To ?? end, end);
            }
            else if (r.To is { } suffix)
            {
                start = Math.Max(0, content.LongLength - suffix);
            }

            if (start >= content.LongLength)
            {
                response.Headers.ContentRange = $"bytes */{content.LongLength}";
                record.Status = 416;
                response.StatusCode = 416;
                return;
            }

            response.StatusCode = 206;
            response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {start}-{end}/{content.LongLength}");
        }

        record.Status = response.StatusCode;
        response.ContentLength = end - start + 1;
        await response.Body.WriteAsync(content.AsMemory((int)start, (int)(end - start + 1)), context.RequestAborted);
    }

    private async Task<GraphResult> UploadFragmentAsync(HttpContext context, string sessionId)
    {
        var request = context.Request;
        GraphUploadSession? session;
        lock (_store.Gate)
        {
            session = _store.UploadSessions.GetValueOrDefault(sessionId);
            if (session is not null && session.ExpiresAt <= _store.Now)
            {
                _store.UploadSessions.Remove(sessionId);
                session = null;
            }
        }

        if (session is null)
        {
            await DrainAsync(request);
            return _api.Error(404, "itemNotFound", "The upload session was not found or has expired; create a new one.");
        }

        switch (request.Method)
        {
            case "GET":
                return GraphResult.Json(200, GraphDriveJson.UploadStatus(session, null));
            case "DELETE":
                lock (_store.Gate)
                {
                    _store.UploadSessions.Remove(sessionId);
                }

                return GraphResult.Empty(204);
            case "PUT":
                break;
            default:
                return _api.Error(405, "invalidRequest", $"{request.Method} is not supported on an upload address.");
        }

        if (!TryParseContentRange(request.Headers.ContentRange.ToString(), out long first, out long last, out long total))
        {
            await DrainAsync(request);
            return _api.Error(400, "invalidRequest", "Content-Range must be 'bytes first-last/total'.");
        }

        long length = last - first + 1;
        if (first != session.Received.Length)
        {
            await DrainAsync(request);
            return GraphResult.Json(416, GraphDriveJson.Error("invalidRange", $"The fragment starts at {first} but the session expects {session.Received.Length}.", _store.Now))
                .With("Content-Range", "bytes */" + total.ToString(CultureInfo.InvariantCulture));
        }

        if (last != total - 1 && length % (320 * 1024) != 0)
        {
            await DrainAsync(request);
            return _api.Error(400, "invalidRequest", "Fragments other than the last must be a multiple of 320 KiB (327,680 bytes).");
        }

        if (length > 60L * 1024 * 1024)
        {
            await DrainAsync(request);
            return _api.Error(413, "requestTooLarge", "A fragment must be smaller than 60 MiB.");
        }

        if (session.Received.Length == 0 && session.Received.Capacity < total && total <= int.MaxValue)
        {
            session.Received.Capacity = (int)total;
        }

        long before = session.Received.Length;
        try
        {
            var buffer = new byte[81920];
            long remaining = length;
            while (remaining > 0)
            {
                int read = await request.Body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                session.Received.Write(buffer, 0, read);
                remaining -= read;
            }

            if (remaining > 0)
            {
                throw new IOException("The fragment ended early.");
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // A fragment cut midway is not received: the session keeps what came before it.
            session.Received.SetLength(before);
            throw;
        }

        lock (_store.Gate)
        {
            session.ExpiresAt = _store.Now + _store.Options.UploadSessionLifetime;
        }

        return session.Received.Length == total ? _api.CompleteUpload(session) : GraphResult.Json(202, GraphDriveJson.UploadStatus(session, null));
    }

    private GraphResult Monitor(string id)
    {
        lock (_store.Gate)
        {
            if (!_store.CopyMonitors.TryGetValue(id, out var monitor))
            {
                return _api.Error(404, "itemNotFound", "No copy is monitored at this address.");
            }

            if (monitor.Polls++ == 0)
            {
                return GraphResult.Json(202, new JsonObject { ["operation"] = "itemCopy", ["percentageComplete"] = 50.0, ["status"] = "inProgress" });
            }

            return monitor.ErrorCode is null
                ? GraphResult.Json(200, new JsonObject { ["operation"] = "itemCopy", ["percentageComplete"] = 100.0, ["status"] = "completed", ["resourceId"] = monitor.ResourceId })
                : GraphResult.Json(200, new JsonObject
                {
                    ["operation"] = "itemCopy",
                    ["status"] = "failed",
                    ["error"] = new JsonObject { ["code"] = monitor.ErrorCode, ["message"] = monitor.ErrorMessage },
                });
        }
    }

    private async Task OAuthAsync(HttpContext context, string path, GraphDriveRequest record)
    {
        var request = context.Request;
        IResult result;
        if (path == "/device")
        {
            // The page a user opens from the device-code prompt: entering the code approves the device.
            string? userCode = request.Query["user_code"];
            bool approve = request.Query["deny"].Count == 0;
            result = userCode is not null && _oauth.Decide(userCode, approve)
                ? Results.Text(approve ? "Device approved. You can close this page." : "Device denied.", "text/plain")
                : Results.Text("Open this page with ?user_code=<the code the application shows>.", "text/plain", statusCode: 404);
        }
        else if (path.EndsWith("/v2.0/.well-known/openid-configuration", StringComparison.Ordinal) && request.Method == "GET")
        {
            result = Results.Json(OpenIdConfiguration(request, path[..path.IndexOf("/v2.0/", StringComparison.Ordinal)]));
        }
        else if (path.EndsWith("/oauth2/v2.0/authorize", StringComparison.Ordinal) && request.Method == "GET")
        {
            result = _oauthEndpoints.Authorize(request);
        }
        else if (path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal) && request.Method == "POST")
        {
            result = await _oauthEndpoints.Token(request);
        }
        else if (path.EndsWith("/oauth2/v2.0/devicecode", StringComparison.Ordinal) && request.Method == "POST")
        {
            result = await _oauthEndpoints.DeviceCode(request);
        }
        else
        {
            result = Results.NotFound();
        }

        await result.ExecuteAsync(context);
        record.Status = context.Response.StatusCode;
    }

    /// <summary>The OpenID Connect discovery document of <c>/{tenant}</c>, in the shape Microsoft serves it.</summary>
    private static Dictionary<string, object> OpenIdConfiguration(HttpRequest request, string tenantPath)
    {
        string root = request.Scheme + "://" + request.Host + tenantPath;
        return new Dictionary<string, object>
        {
            ["issuer"] = root + "/v2.0",
            ["authorization_endpoint"] = root + "/oauth2/v2.0/authorize",
            ["token_endpoint"] = root + "/oauth2/v2.0/token",
            ["device_authorization_endpoint"] = root + "/oauth2/v2.0/devicecode",
            ["response_types_supported"] = new[] { "code" },
            ["grant_types_supported"] = new[] { "authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["scopes_supported"] = new[] { "openid", "profile", "offline_access", "Files.ReadWrite.AppFolder", "Files.ReadWrite" },
            ["token_endpoint_auth_methods_supported"] = new[] { "none" },
            ["subject_types_supported"] = new[] { "pairwise" },
            ["id_token_signing_alg_values_supported"] = new[] { "none" },
        };
    }

    private static async Task WriteAsync(HttpContext context, GraphResult result, GraphDriveRequest record)
    {
        var response = context.Response;
        record.Status = result.Status;
        response.StatusCode = result.Status;
        foreach (var (name, value) in result.Headers)
        {
            response.Headers[name] = value;
        }

        if (result.Body is not null)
        {
            response.ContentType = "application/json; odata.metadata=minimal";
            await response.WriteAsync(result.Body.ToJsonString(), context.RequestAborted);
        }
    }

    private static async Task DrainAsync(HttpRequest request)
    {
        try
        {
            await request.Body.CopyToAsync(Stream.Null);
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException)
        {
            // The client went away; nothing to answer.
        }
    }

    private static Dictionary<string, string> QueryOf(string query)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            values[Uri.UnescapeDataString(kv[0].Replace('+', ' '))] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "";
        }

        return values;
    }

    private static bool TryParseContentRange(string header, out long first, out long last, out long total)
    {
        first = last = total = 0;
        if (!header.StartsWith("bytes ", StringComparison.Ordinal))
        {
            return false;
        }

        string[] parts = header[6..].Split('/');
        string[] range = parts[0].Split('-');
        return parts.Length == 2 && range.Length == 2
            && long.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out first)
            && long.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out last)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out total)
            && first <= last && last < total;
    }
}
