using Atomiton.Storage.Cloud.Server.Http;
using Atomiton.Storage.Cloud.Server.State;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Cloud.Server.Auth;

/// <summary>
/// The endpoint filter every API call passes: refuses dot segments in the raw path, authenticates
/// the bearer key (401), applies the key's rate limit (429 with Retry-After), checks the endpoint's
/// permission (403), and turns storage errors into problem details. While the key file is
/// unavailable every request with a key is refused with 503 (fail closed), logged once per change
/// of the file. Keys are never logged or echoed.
/// </summary>
internal sealed class CloudGate : IEndpointFilter, IDisposable
{

    private readonly IApiKeyAuthenticator _keys;
    private readonly ILogger _logger;
    private readonly long _maxRequestBodySize;
    private readonly IRequestRateLimiter? _limiter;
    private int _loggedChange;
    private int _unavailableLogged;

    public CloudGate(IApiKeyAuthenticator keys, IRequestRateLimiter? limiter, CloudServerOptions options, ILogger logger)
    {
        _keys = keys;
        _logger = logger;
        _maxRequestBodySize = options.MaxRequestBodySize;
        _limiter = limiter;
    }

    public static string CallerItem => "Atomiton.Cloud.Caller";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var rawTarget = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "/";
        if (ObjectKeyPath.HasDotSegment(rawTarget))
        {
            await CloudProblem.WriteAsync(http, StatusCodes.Status400BadRequest, StorageErrorCode.InvalidKey, "The request path has a '.' or '..' segment (literal or percent-encoded); keys never contain such segments.");
            return Results.Empty;
        }

        ApiKeyEntry? entry;
        try
        {
            entry = await _keys.AuthenticateAsync(ReadBearer(http.Request), http.RequestAborted);
        }
        catch (ApiKeyStoreUnavailableException unavailable)
        {
            if (Interlocked.Exchange(ref _loggedChange, unavailable.Change) != unavailable.Change)
            {
                Volatile.Write(ref _unavailableLogged, 1);
                CloudLog.KeyStoreUnavailable(_logger, unavailable.Message, unavailable.InnerException);
            }

            await CloudProblem.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, StorageErrorCode.NetworkError,
                "The server's API key store is unavailable, so no key can be checked and every request is refused. Retry later; if this lasts, tell the operator.",
                transient: true, retryAfter: CloudProblem.UnavailableRetryAfter);
            return Results.Empty;
        }

        if (Interlocked.Exchange(ref _unavailableLogged, 0) == 1)
        {
            CloudLog.KeyStoreBack(_logger, _keys.Source);
        }

        if (entry is null)
        {
            var detail = http.Request.Headers.Authorization.Count == 0
                ? "No API key was sent. Send 'Authorization: Bearer <key>' with a key from 'atomiton-storage cloud keys create'."
                : "The API key is malformed, unknown or revoked. Ask the operator for a valid key.";
            await CloudProblem.WriteAsync(http, StatusCodes.Status401Unauthorized, StorageErrorCode.AuthenticationFailed, detail, transient: false);
            return Results.Empty;
        }

        if (_limiter is not null)
        {
            TimeSpan? retryAfter;
            try
            {
                retryAfter = await _limiter.TryAcquireAsync(entry.Id, http.RequestAborted);
            }
            catch (StorageException e)
            {
                await CloudProblem.WriteAsync(http, e, entry.TenantPrefix, _logger);
                return Results.Empty;
            }

            if (retryAfter is not null)
            {
                await CloudProblem.WriteAsync(http, StatusCodes.Status429TooManyRequests, StorageErrorCode.RateLimited, $"API key {entry.Id} made too many requests; retry after the time in the Retry-After header.", retryAfter: retryAfter.Value);
                return Results.Empty;
            }
        }

        var caller = new CloudCaller(entry.Id, entry.TenantPrefix, entry.Permissions);
        var needed = http.GetEndpoint()?.Metadata.GetMetadata<RequiredPermission>()?.Permission ?? ApiKeyPermissions.Admin;
        if (!caller.Has(needed))
        {
            await CloudProblem.WriteAsync(http, StatusCodes.Status403Forbidden, StorageErrorCode.AccessDenied, $"API key {entry.Id} lacks the '{needed}' permission this operation needs.", transient: false);
            return Results.Empty;
        }

        http.Items[CallerItem] = caller;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            // Also when the API is mapped into an application whose server has another limit.
            bodyLimit.MaxRequestBodySize = _maxRequestBodySize;
        }

        try
        {
            return await next(context);
        }
        catch (Exception e) when (FindBadRequest(e) is { } bad)
        {
            // First, because an engine may wrap the body's failure (the filesystem engine reports a
            // failing content stream as InvalidArgument): the server's own refusal decides the status.
            var code = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? StorageErrorCode.ObjectTooLarge : StorageErrorCode.InvalidArgument;
            var detail = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"The request body is larger than this server's single-request limit of {_maxRequestBodySize} bytes; use an upload session (POST /v1/uploads)."
                : $"The request body was refused: {bad.Message}";
            await CloudProblem.WriteAsync(http, bad.StatusCode, code, detail);
            return Results.Empty;
        }
        catch (StorageException e)
        {
            await CloudProblem.WriteAsync(http, e, caller.TenantPrefix, _logger);
            return Results.Empty;
        }
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException or ConnectionResetException)
        {
            // The client went away; nothing to answer.
            return Results.Empty;
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            // Never an empty 500, and never the exception's words (they may name server paths).
            await CloudProblem.WriteUnexpectedAsync(http, e, _logger);
            return Results.Empty;
        }
    }

    public void Dispose() => _limiter?.Dispose();

    private static string? ReadBearer(HttpRequest request)
    {
        var values = request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { } header || !header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return null;
        }

        return header["Bearer ".Length..].Trim();
    }

    private static BadHttpRequestException? FindBadRequest(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException bad)
            {
                return bad;
            }
        }

        return null;
    }
}
