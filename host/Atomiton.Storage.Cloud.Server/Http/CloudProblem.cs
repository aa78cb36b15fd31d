using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary>
/// Writes errors as RFC 9457 problem details (<c>application/problem+json</c>) that carry the
/// contract's <see cref="StorageErrorCode"/> in <c>code</c>, so the client rebuilds the same error.
/// </summary>
internal static class CloudProblem
{
    /// <summary>
    /// The Retry-After of a 503 for state the server cannot reach (its key store, its database, its
    /// change log): long enough for a restart to finish, short enough that clients come back soon.
    /// </summary>
    public static readonly TimeSpan UnavailableRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The HTTP status for an error code.</summary>
    public static int StatusOf(StorageErrorCode code) => code switch
    {
        StorageErrorCode.NotFound => StatusCodes.Status404NotFound,
        StorageErrorCode.AccessDenied => StatusCodes.Status403Forbidden,
        StorageErrorCode.Conflict => StatusCodes.Status412PreconditionFailed,
        StorageErrorCode.InvalidKey or StorageErrorCode.InvalidArgument or StorageErrorCode.SerializationError
            or StorageErrorCode.UnrepresentableKey => StatusCodes.Status400BadRequest,
        StorageErrorCode.CursorExpired => StatusCodes.Status410Gone,
        StorageErrorCode.ObjectTooLarge => StatusCodes.Status413PayloadTooLarge,
        StorageErrorCode.QuotaExceeded or StorageErrorCode.StorageFull => StatusCodes.Status507InsufficientStorage,
        StorageErrorCode.RateLimited => StatusCodes.Status429TooManyRequests,
        StorageErrorCode.UnsupportedOperation => StatusCodes.Status501NotImplemented,
        StorageErrorCode.Timeout => StatusCodes.Status504GatewayTimeout,
        StorageErrorCode.NetworkError => StatusCodes.Status503ServiceUnavailable,
        // The pipeline's own credentials failing is the server's problem, not the caller's key.
        StorageErrorCode.AuthenticationFailed => StatusCodes.Status502BadGateway,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>
    /// Writes a storage error in words fit for a tenant: tenant prefixes removed and no server path.
    /// Errors only the operator can act on (the served engine's access denied, integrity, unknown,
    /// configuration, plugin and credential failures) get a fixed sentence with a reference, and their full
    /// message goes to <paramref name="logger"/> under that reference; in the other messages,
    /// absolute paths are replaced (and the original logged).
    /// </summary>
    public static Task WriteAsync(HttpContext context, StorageException error, string tenantPrefix, ILogger logger)
    {
        var status = StatusOf(error.Code);
        var key = error.Key is { } k && k.StartsWith(tenantPrefix, StringComparison.Ordinal) ? k[tenantPrefix.Length..] : null;
        // On a write, Integrity is the caller's content not matching the hashes it sent (nothing was
        // written), not stored data gone bad: the caller's problem, in the engine's words.
        bool callersContent = error.Code == StorageErrorCode.Integrity && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method);
        if (callersContent)
        {
            status = StatusCodes.Status422UnprocessableEntity;
        }

        string detail;
        if (!callersContent && OperatorSideDetail(error, key) is { } sentence)
        {
            var reference = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            CloudLog.EngineError(logger, reference, context.Request.Method, context.Request.Path.Value ?? "/", error);
            detail = $"{sentence} The server log has the details under reference {reference}.";
        }
        else
        {
            var message = tenantPrefix.Length == 0 ? error.Message : error.Message.Replace(tenantPrefix, string.Empty, StringComparison.Ordinal);
            detail = ServerPathScrubber.Scrub(message, key);
            if (!string.Equals(detail, message, StringComparison.Ordinal))
            {
                CloudLog.EngineError(logger, "(paths removed from the answer)", context.Request.Method, context.Request.Path.Value ?? "/", error);
            }
        }

        return WriteAsync(context, status, error.Code, detail, key, error.IsTransient, error.RetryAfter, cursorTrust: error.CursorTrust);
    }

    /// <summary>Writes a failure that is no storage error (a bug, a failing upload folder) as 500 Unknown with a reference; the exception goes to the log only.</summary>
    public static Task WriteUnexpectedAsync(HttpContext context, Exception error, ILogger logger)
    {
        var reference = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        CloudLog.UnexpectedError(logger, reference, context.Request.Method, context.Request.Path.Value ?? "/", error);
        return WriteAsync(context, StatusCodes.Status500InternalServerError, StorageErrorCode.Unknown,
            $"The server failed on this request. Ask the operator; the server log has the details under reference {reference}.", transient: false);
    }

    /// <summary>Writes a problem with an explicit status and code.</summary>
    public static async Task WriteAsync(HttpContext context, int status, StorageErrorCode code, string detail, string? key = null, bool? transient = null, TimeSpan? retryAfter = null, long? offset = null, ChangeCursorTrust? cursorTrust = null)
    {
        if (context.Response.HasStarted)
        {
            // Too late for a status: cut the connection so the client sees a broken body, never a silently short one.
            context.Abort();
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"atomiton-cloud\"";
        }

        var body = new Dictionary<string, object?>
        {
            ["type"] = "urn:atomiton:storage:" + code.ToString(),
            ["title"] = TitleOf(code),
            ["status"] = status,
            ["detail"] = detail,
            ["code"] = code.ToString(),
            ["transient"] = transient ?? StorageException.IsTransientByDefault(code),
        };
        if (key is not null)
        {
            body["key"] = key;
        }

        if (retryAfter is { } after)
        {
            body["retryAfterSeconds"] = after.TotalSeconds;
        }

        if (offset is not null)
        {
            body["offset"] = offset;
        }

        if (cursorTrust is { } trust)
        {
            // Trusted: changes were merely forgotten (retention); Untrusted: a new epoch or a store gone back in time.
            body["cursorTrust"] = trust.ToString();
        }

        await JsonSerializer.SerializeAsync(context.Response.Body, body, CloudJson.Options, context.RequestAborted);
    }

    /// <summary>The tenant-facing sentence for an error only the operator can act on, or null for one the caller's message may carry.</summary>
    private static string? OperatorSideDetail(StorageException error, string? key)
    {
        var subject = key is null ? "this request" : $"key '{key}'";
        return error.Code switch
        {
            StorageErrorCode.AuthenticationFailed =>
                $"The storage pipeline behind this server could not authenticate to its backend ({error.Provider ?? "unknown provider"}). Ask the operator to check the pipeline's credentials.",
            StorageErrorCode.AccessDenied =>
                $"The storage behind this server denied access to {subject}. Ask the operator to check the served pipeline's permissions.",
            StorageErrorCode.Integrity =>
                $"The stored data of {subject} failed an integrity check on the server. Ask the operator.",
            StorageErrorCode.Unknown or StorageErrorCode.InvalidConfiguration or StorageErrorCode.PluginFailed =>
                $"The storage behind this server failed on {subject} ({error.Code}). Ask the operator.",
            _ => null,
        };
    }

    private static string TitleOf(StorageErrorCode code) => code switch
    {
        StorageErrorCode.NotFound => "Not found",
        StorageErrorCode.AccessDenied => "Access denied",
        StorageErrorCode.Conflict => "Precondition failed",
        StorageErrorCode.AuthenticationFailed => "Authentication failed",
        StorageErrorCode.RateLimited => "Too many requests",
        StorageErrorCode.ObjectTooLarge => "Object too large",
        StorageErrorCode.InvalidKey => "Invalid key",
        StorageErrorCode.InvalidArgument => "Invalid request",
        StorageErrorCode.UnrepresentableKey => "Key not representable",
        StorageErrorCode.CursorExpired => "Change cursor expired",
        _ => code.ToString(),
    };
}
