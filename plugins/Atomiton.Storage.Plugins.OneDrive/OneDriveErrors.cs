using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;

namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>Graph's answers as <see cref="StorageException"/>s: each names the key, the HTTP status and Graph's error code, never a token.</summary>
internal static class OneDriveErrors
{
    public static StorageException From(Exception exception, string? key, string operation)
    {
        switch (exception)
        {
            case StorageException storage:
                return storage;
            case ODataError odata:
                return FromStatus(odata.ResponseStatusCode, odata.Error?.Code, odata.Error?.Message, key, operation, exception, RetryAfterOf(odata));
            case ApiException api:
                return FromStatus(api.ResponseStatusCode, null, api.Message, key, operation, exception, RetryAfterOf(api));
            case HttpRequestException or IOException:
                return new StorageException(StorageErrorCode.NetworkError, $"OneDrive could not be reached for {operation} of '{key}' after retries: {exception.Message}", exception)
                { Key = key, Provider = OneDriveProvider.TypeName, Operation = operation, IsTransient = true };
            case TaskCanceledException or TimeoutException:
                return new StorageException(StorageErrorCode.Timeout, $"OneDrive did not answer {operation} of '{key}' in time.", exception)
                { Key = key, Provider = OneDriveProvider.TypeName, Operation = operation, IsTransient = true };
            default:
                return new StorageException(StorageErrorCode.Unknown, $"OneDrive {operation} of '{key}' failed: {exception.Message}", exception)
                { Key = key, Provider = OneDriveProvider.TypeName, Operation = operation };
        }
    }

    public static StorageException FromStatus(int status, string? code, string? message, string? key, string operation, Exception? inner = null, TimeSpan? retryAfter = null)
    {
        string what = $"OneDrive answered {operation} of '{key}' with {status}{(code is null ? "" : " " + code)}: {message}";
        var (kind, transient) = (status, code) switch
        {
            (_, "quotaLimitReached") or (507, _) => (StorageErrorCode.QuotaExceeded, false),
            (404, _) or (_, "itemNotFound") => (StorageErrorCode.NotFound, false),
            (412, _) or (_, "resourceModified") => (StorageErrorCode.Conflict, false),
            (409, _) or (_, "nameAlreadyExists") => (StorageErrorCode.Conflict, false),
            (410, _) or (_, "resyncRequired") => (StorageErrorCode.CursorExpired, false),
            (401, _) => (StorageErrorCode.AuthenticationFailed, false),
            (403, _) => (StorageErrorCode.AccessDenied, false),
            (413, _) => (StorageErrorCode.ObjectTooLarge, false),
            (429, _) => (StorageErrorCode.RateLimited, true),
            (400, _) => (StorageErrorCode.InvalidArgument, false),
            (>= 500, _) => (StorageErrorCode.NetworkError, true),
            _ => (StorageErrorCode.Unknown, false),
        };
        string advice = kind switch
        {
            StorageErrorCode.AuthenticationFailed => " The token was refused even after a refresh; run 'atomiton-storage auth login <pipeline>/<stage>' again.",
            StorageErrorCode.QuotaExceeded => " The drive is full: free space in OneDrive or buy storage.",
            StorageErrorCode.CursorExpired => " The change cursor is too old for OneDrive's history: list everything again and take a new cursor.",
            _ => "",
        };
        return new StorageException(kind, what + advice, inner)
        {
            Key = key,
            Provider = OneDriveProvider.TypeName,
            Operation = operation,
            IsTransient = transient,
            RetryAfter = retryAfter,
            CursorTrust = kind == StorageErrorCode.CursorExpired ? ChangeCursorTrust.Trusted : null,
        };
    }

    private static TimeSpan? RetryAfterOf(ApiException exception) =>
        exception.ResponseHeaders.TryGetValue("Retry-After", out var values) && int.TryParse(values.FirstOrDefault(), out int seconds) ? TimeSpan.FromSeconds(seconds) : null;
}
