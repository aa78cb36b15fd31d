using System.Globalization;
using System.Net;
using System.Text.Json;
using Atomiton.Storage.Cloud.Wire;

namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>
/// Turns HTTP failures into <see cref="StorageException"/>s: the server's problem details carry
/// the contract's code; without them (a proxy's answer, say) the status decides (400/416
/// InvalidArgument, 401 AuthenticationFailed, 403 AccessDenied, 404 NotFound, 408/504 Timeout,
/// 409/412 Conflict, 410 CursorExpired, 413 ObjectTooLarge, 429 RateLimited with Retry-After,
/// 501 UnsupportedOperation, 507 QuotaExceeded, other 5xx NetworkError). An expired change cursor
/// carries the problem's <c>cursorTrust</c> (Untrusted when a proxy's 410 has none).
/// </summary>
internal static class CloudErrors
{
    public static StorageErrorCode CodeOf(HttpStatusCode status) => (int)status switch
    {
        400 or 416 => StorageErrorCode.InvalidArgument,
        401 => StorageErrorCode.AuthenticationFailed,
        403 => StorageErrorCode.AccessDenied,
        404 => StorageErrorCode.NotFound,
        408 => StorageErrorCode.Timeout,
        409 or 412 => StorageErrorCode.Conflict,
        410 => StorageErrorCode.CursorExpired,
        413 => StorageErrorCode.ObjectTooLarge,
        429 => StorageErrorCode.RateLimited,
        501 => StorageErrorCode.UnsupportedOperation,
        504 => StorageErrorCode.Timeout,
        507 => StorageErrorCode.QuotaExceeded,
        >= 500 => StorageErrorCode.NetworkError,
        _ => StorageErrorCode.Unknown,
    };

    /// <summary>Whether a status is worth retrying whatever its body says.</summary>
    public static bool IsTransientStatus(HttpStatusCode status) => (int)status is 408 or 429 or 502 or 503 or 504;

    /// <summary>Reads the failed response (problem details when present) into an error.</summary>
    public static async Task<StorageException> FromResponseAsync(HttpResponseMessage response, string? key, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var code = CodeOf(status);
        string? detail = null;
        long? offset = null;
        bool? transient = null;
        ChangeCursorTrust? trust = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
                var root = document.RootElement;
                if (root.TryGetProperty("code", out var codeElement) && Enum.TryParse<StorageErrorCode>(codeElement.GetString(), ignoreCase: false, out var parsed))
                {
                    code = parsed;
                }

                detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
                offset = root.TryGetProperty("offset", out var o) && o.TryGetInt64(out var value) ? value : null;
                trust = root.TryGetProperty("cursorTrust", out var ct) && Enum.TryParse<ChangeCursorTrust>(ct.GetString(), ignoreCase: false, out var parsedTrust) ? parsedTrust : null;
                transient = root.TryGetProperty("transient", out var t) && t.ValueKind is JsonValueKind.True or JsonValueKind.False ? t.GetBoolean() : null;
            }
            catch (JsonException)
            {
                // Not our server's problem document; the status alone decides.
            }
        }

        var retryAfter = RetryAfterOf(response);
        var subject = key is null || (detail?.Contains(key, StringComparison.Ordinal) ?? false) ? "" : $" for key '{key}'";
        var message = $"The Atomiton Cloud server answered {(int)status} {response.ReasonPhrase}{subject}: {detail ?? DefaultAdvice(code)}";
        return new StorageException(code, message)
        {
            Key = key,
            Provider = CloudProvider.TypeName,
            IsTransient = IsTransientStatus(status) || (transient ?? false),
            RetryAfter = retryAfter,
            CursorTrust = code == StorageErrorCode.CursorExpired ? trust ?? ChangeCursorTrust.Untrusted : null,
            Data = { [OffsetDataKey] = offset },
        };
    }

    /// <summary>The key under which a 409 on an upload chunk carries the server's current offset in <see cref="Exception.Data"/>.</summary>
    public const string OffsetDataKey = "atomiton.cloud.offset";

    public static StorageException Network(string? key, Exception cause) =>
        new(StorageErrorCode.NetworkError, $"Could not reach the Atomiton Cloud server ({cause.Message}). Check that it runs and that 'endpoint' is right; the operation was retried where safe.", cause)
        { Key = key, Provider = CloudProvider.TypeName, IsTransient = true };

    public static StorageException Timeout(string? key, TimeSpan timeout, Exception cause) =>
        new(StorageErrorCode.Timeout, $"The Atomiton Cloud server did not answer within {timeout.TotalSeconds:0.#} s (option 'requestTimeout').", cause)
        { Key = key, Provider = CloudProvider.TypeName, IsTransient = true };

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return response.Headers.TryGetValues("Retry-After", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    private static string DefaultAdvice(StorageErrorCode code) => code switch
    {
        StorageErrorCode.AuthenticationFailed => "the API key is missing, wrong or revoked; check the 'apiKey' option.",
        StorageErrorCode.AccessDenied => "the API key lacks the permission for this operation.",
        StorageErrorCode.NotFound => "no such object.",
        StorageErrorCode.RateLimited => "too many requests; slow down.",
        _ => "see the server's log.",
    };
}
