using System.Net;
using Google;
using Google.Apis.Auth.OAuth2.Responses;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>
/// Turns Google client failures into <see cref="StorageException"/>s that name the key and Drive's
/// reason: 400 InvalidArgument, 401 AuthenticationFailed (after one refresh), 403 by reason
/// (<c>storageQuotaExceeded</c> QuotaExceeded, rate limits RateLimited, others AccessDenied), 404
/// NotFound, 409 Conflict, 429 RateLimited, 5xx and broken connections NetworkError; a refresh token
/// the authority refuses (<c>invalid_grant</c>) is AuthorizationRequired, naming the command to sign in.
/// </summary>
internal static class DriveErrors
{
    public static bool IsRateLimitReason(string? reason) => reason is "userRateLimitExceeded" or "rateLimitExceeded";

    public static string? ReasonOf(GoogleApiException e) => e.Error?.Errors?.FirstOrDefault()?.Reason;

    /// <summary>Whether <paramref name="e"/> is a Google client failure this class maps (anything else is a bug and is not caught).</summary>
    public static bool IsMapped(Exception e) => e is GoogleApiException or TokenResponseException or HttpRequestException or IOException or TaskCanceledException { CancellationToken.IsCancellationRequested: false };

    public static StorageException Map(Exception e, string? key, StorageProviderContext context)
    {
        string what = key is null ? "" : $" for key '{key}'";
        switch (e)
        {
            case StorageException storage:
                return storage;
            case TokenResponseException token when token.Error?.Error is "invalid_grant" or "invalid_token" or "unauthorized_client":
                return context.AuthorizationRequired($"Google refused the stored refresh token ({token.Error.Error})", GoogleDriveProvider.TypeName);
            case TokenResponseException token:
                return new StorageException(StorageErrorCode.AuthenticationFailed, $"Google's token endpoint answered '{token.Error?.Error}'{what}: {token.Error?.ErrorDescription}. Check the stage's clientId and clientSecret, or sign in again with `{StorageException.SignInCommand(context.PipelineName, context.StageName)}`.", e)
                { Key = key };
            case GoogleApiException api:
                return FromApi(api, key, what, context);
            case TaskCanceledException:
                return new StorageException(StorageErrorCode.Timeout, $"Google Drive did not answer in time{what}. Retry; check the network if it persists.", e) { Key = key };
            default:
                return new StorageException(StorageErrorCode.NetworkError, $"The connection to Google Drive failed{what}: {e.Message}. It was retried; check the network (or the stage's baseUri) and retry.", e) { Key = key };
        }
    }

    private static StorageException FromApi(GoogleApiException api, string? key, string what, StorageProviderContext context)
    {
        int status = (int)api.HttpStatusCode;
        string? reason = ReasonOf(api);
        string said = $"Google Drive answered {status} {reason ?? "(no reason)"}{what}: {api.Error?.Message ?? api.Message}";
        var (code, advice) = status switch
        {
            400 => (StorageErrorCode.InvalidArgument, "The request was refused as malformed; this is likely a plugin bug, report it with this message."),
            401 => (StorageErrorCode.AuthenticationFailed, $"The access token was refused even after a refresh; sign in again with `{StorageException.SignInCommand(context.PipelineName, context.StageName)}`."),
            403 when reason == "storageQuotaExceeded" => (StorageErrorCode.QuotaExceeded, "The account's Drive storage is full; free space or buy more, then retry. Nothing was written."),
            403 when IsRateLimitReason(reason) => (StorageErrorCode.RateLimited, "Drive kept throttling after the retries; lower requestsPerSecond or retry later."),
            403 => (StorageErrorCode.AccessDenied, "The signed-in account or the stage's scope does not allow this; check the scope option and sign in again if it changed."),
            404 => (StorageErrorCode.NotFound, "The file is gone (deleted by another client?); list again."),
            409 => (StorageErrorCode.Conflict, "Another client changed it at the same time; reload and retry."),
            416 => (StorageErrorCode.InvalidArgument, "The range is outside the object."),
            429 => (StorageErrorCode.RateLimited, "Drive kept throttling after the retries; lower requestsPerSecond or retry later."),
            >= 500 => (StorageErrorCode.NetworkError, "Drive kept failing after the retries; retry later."),
            _ => (StorageErrorCode.Unknown, "See the inner exception."),
        };
        return new StorageException(code, $"{said}. {advice}", api)
        {
            Key = key,
            RetryAfter = null,
            IsTransient = code is StorageErrorCode.NetworkError or StorageErrorCode.RateLimited,
        };
    }

    public static bool IsStatus(Exception e, HttpStatusCode status) => e is GoogleApiException api && api.HttpStatusCode == status;
}
