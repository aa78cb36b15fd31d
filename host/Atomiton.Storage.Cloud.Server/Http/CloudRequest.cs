using Atomiton.Storage.Cloud.Server.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary>Reads the caller, keys and conditional headers of a request, refusing malformed ones with InvalidArgument or InvalidKey.</summary>
internal static class CloudRequest
{
    public const string ItemHeader = "X-Atomiton-Item";
    public const string OptionsHeader = "X-Atomiton-Options";

    public static CloudCaller Caller(HttpContext context) =>
        context.Items[CloudGate.CallerItem] as CloudCaller
        ?? throw new InvalidOperationException("The cloud gate did not run for this endpoint.");

    /// <summary>The object key of <c>/v1/objects/{key}</c>, relative to the tenant, checked against the key grammar.</summary>
    public static string ObjectKey(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var prefix = context.Request.PathBase.Value + "/v1/objects/";
        if (!ObjectKeyPath.TryGetKey(rawTarget, prefix, out var key, out var problem))
        {
            throw new StorageException(StorageErrorCode.InvalidKey, $"The key in the request path is malformed: {problem}. Percent-encode each key segment as UTF-8.");
        }

        StorageKey.Validate(key, "cloud", context.Request.Method.ToLowerInvariant());
        return key;
    }

    /// <summary>
    /// The engine key for a valid tenant-relative key. One that is too long once placed under the
    /// tenant is UnrepresentableKey: valid, but beyond the key rules this server declares to the caller.
    /// </summary>
    public static string EngineKey(CloudCaller caller, string key)
    {
        var engineKey = caller.TenantPrefix + key;
        if (!StorageKey.IsValid(engineKey, out _))
        {
            int keyBytes = System.Text.Encoding.UTF8.GetByteCount(key);
            int budget = StorageKey.MaxKeyBytes - System.Text.Encoding.UTF8.GetByteCount(caller.TenantPrefix);
            throw new StorageException(StorageErrorCode.UnrepresentableKey,
                $"Key '{key}' cannot be stored: it is {keyBytes} UTF-8 bytes long and keys of your tenant may have at most {budget} bytes (keyRules.maxKeyBytes in GET /v1/info). Nothing was changed; use a shorter key.")
            { Key = engineKey };
        }

        return engineKey;
    }

    /// <summary>The ETag of an <c>If-Match</c> header, or null when absent.</summary>
    public static string? IfMatch(HttpRequest request) => SingleETag(request, "If-Match", allowStar: false);

    /// <summary>The raw <c>If-None-Match</c> value: <c>*</c>, a decoded ETag, or null when absent.</summary>
    public static string? IfNoneMatch(HttpRequest request) => SingleETag(request, "If-None-Match", allowStar: true);

    public static StorageException InvalidArgument(string message) =>
        new(StorageErrorCode.InvalidArgument, message);

    private static string? SingleETag(HttpRequest request, string header, bool allowStar)
    {
        var values = request.Headers[header];
        if (values.Count == 0)
        {
            return null;
        }

        var value = values.Count == 1 ? values[0]?.Trim() : null;
        if (allowStar && value == "*")
        {
            return "*";
        }

        if (!EntityTagCodec.TryDecode(value, out var etag))
        {
            throw InvalidArgument($"The {header} header must be one strong, quoted ETag as returned in the ETag header{(allowStar ? " (or '*')" : "")}.");
        }

        return etag;
    }
}
