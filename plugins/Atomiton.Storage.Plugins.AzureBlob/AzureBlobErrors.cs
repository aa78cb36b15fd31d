using System.Net.Http;
using Azure;

namespace Atomiton.Storage.Plugins.AzureBlob;

/// <summary>
/// Turns the Azure SDK's failures into <see cref="StorageException"/>s. The service's error code decides
/// where it is specific (BlobNotFound → NotFound, ContainerNotFound → InvalidConfiguration naming the
/// container, BlobAlreadyExists and ConditionNotMet → Conflict, AuthenticationFailed → AuthenticationFailed,
/// AuthorizationFailure → AccessDenied, ServerBusy → RateLimited); otherwise the status does. Messages name
/// the key, the container, the HTTP status and Azure's error code, and the first line of the service's own
/// message — never a header, a URL query or a credential; the SDK's exception is not kept as the inner
/// exception for the same reason (its text lists response headers).
/// </summary>
internal sealed class AzureBlobErrors(string container, string stage, int maxRetries)
{
    /// <summary>The key under which the error's Azure error code is kept in <see cref="Exception.Data"/>.</summary>
    public const string ErrorCodeDataKey = "azure.errorCode";

    public StorageException From(RequestFailedException e, string? key)
    {
        string errorCode = e.ErrorCode ?? "";
        var code = CodeOf(e.Status, errorCode);
        if (code == StorageErrorCode.AccessDenied && errorCode == "AuthorizationFailure" && e.Message.StartsWith("Server failed to authenticate", StringComparison.Ordinal))
        {
            // Azurite answers a wrong signature with AuthorizationFailure, where the service says AuthenticationFailed.
            code = StorageErrorCode.AuthenticationFailed;
        }

        string subject = key is null ? $"container '{container}'" : $"key '{key}' in container '{container}'";
        string advice = Advice(code, errorCode);
        string service = FirstLine(e.Message);
        var message = $"Azure Blob Storage answered {e.Status}{(errorCode.Length > 0 ? " " + errorCode : "")} for {subject}{(service.Length > 0 ? ": " + service : "")}{(advice.Length > 0 ? " " + advice : "")}";
        return GaveUp(new StorageException(code, message)
        {
            Key = key,
            Provider = AzureBlobProvider.TypeName,
            IsTransient = IsTransient(e.Status, code),
            Data = { [ErrorCodeDataKey] = errorCode },
        });
    }

    /// <summary>A failure below HTTP (connection refused or dropped, DNS), after the SDK's own retries.</summary>
    public StorageException Network(Exception e, string? key)
    {
        if (Innermost(e) is RequestFailedException { Status: not 0 } answered)
        {
            // The SDK gave up after retries that ended with an HTTP answer: report that answer.
            return From(answered, key);
        }

        return GaveUp(new StorageException(StorageErrorCode.NetworkError,
            $"Could not reach Azure Blob Storage for {(key is null ? $"container '{container}'" : $"key '{key}' in container '{container}'")} (stage '{stage}'): {Describe(e)}. Check that the service (or Azurite) runs and that serviceUrl is right; the SDK retried (option maxRetries).")
        {
            Key = key,
            Provider = AzureBlobProvider.TypeName,
            IsTransient = true,
        });
    }

    /// <summary>
    /// A transient failure the SDK already retried (option maxRetries) is persistent, as the contract
    /// defines it, so no retry stage above repeats the attempts; with retries off it stays transient.
    /// </summary>
    private StorageException GaveUp(StorageException error) =>
        error.IsTransient && maxRetries > 0 ? error.AsPersistent(maxRetries + 1) : error;

    private static Exception Innermost(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            e = aggregate.InnerExceptions[^1];
        }

        return e;
    }

    /// <summary>Whether <paramref name="e"/> is a transport failure the SDK reports without an HTTP answer.</summary>
    public static bool IsTransport(Exception e) => e is AggregateException or HttpRequestException or IOException
        || (e is RequestFailedException { Status: 0 });

    public static StorageErrorCode CodeOf(int status, string errorCode) => errorCode switch
    {
        "BlobNotFound" => StorageErrorCode.NotFound,
        "ContainerNotFound" or "ContainerBeingDeleted" => StorageErrorCode.InvalidConfiguration,
        "BlobAlreadyExists" or "ConditionNotMet" or "TargetConditionNotMet" => StorageErrorCode.Conflict,
        "SourceConditionNotMet" => StorageErrorCode.Conflict,
        "AuthenticationFailed" or "InvalidAuthenticationInfo" or "NoAuthenticationInformation" => StorageErrorCode.AuthenticationFailed,
        "AuthorizationFailure" or "AuthorizationPermissionMismatch" or "AuthorizationResourceTypeMismatch" or "AuthorizationServiceMismatch"
            or "AuthorizationSourceIPMismatch" or "AuthorizationProtocolMismatch" or "InsufficientAccountPermissions" => StorageErrorCode.AccessDenied,
        "ServerBusy" or "OperationTimedOut" when status == 503 => StorageErrorCode.RateLimited,
        "RequestBodyTooLarge" or "BlockCountExceedsLimit" => StorageErrorCode.ObjectTooLarge,
        "InvalidMetadata" or "MetadataTooLarge" or "InvalidHeaderValue" or "InvalidRange" => StorageErrorCode.InvalidArgument,
        "Md5Mismatch" or "InvalidMd5" => StorageErrorCode.Integrity,
        "AccountIsDisabled" => StorageErrorCode.AccessDenied,
        _ => status switch
        {
            400 or 416 => StorageErrorCode.InvalidArgument,
            401 => StorageErrorCode.AuthenticationFailed,
            403 => StorageErrorCode.AccessDenied,
            404 => StorageErrorCode.NotFound,
            408 or 504 => StorageErrorCode.Timeout,
            409 or 412 => StorageErrorCode.Conflict,
            413 => StorageErrorCode.ObjectTooLarge,
            429 => StorageErrorCode.RateLimited,
            503 => StorageErrorCode.RateLimited,
            >= 500 => StorageErrorCode.NetworkError,
            _ => StorageErrorCode.Unknown,
        },
    };

    private static bool IsTransient(int status, StorageErrorCode code) =>
        status is 408 or 429 or 500 or 502 or 503 or 504 || code is StorageErrorCode.RateLimited;

    private string Advice(StorageErrorCode code, string errorCode) => code switch
    {
        StorageErrorCode.AuthenticationFailed => $"The credential of stage '{stage}' was refused: check connectionString, accountKey or sasToken (and that a SAS has not expired).",
        StorageErrorCode.AccessDenied => $"The credential of stage '{stage}' may not do this (a SAS needs read, write, delete and list permissions on the container).",
        StorageErrorCode.InvalidConfiguration when errorCode == "ContainerNotFound" => $"Create the container, or set option 'createContainer': true on stage '{stage}'.",
        StorageErrorCode.Conflict => "A condition failed: the object exists (create-only) or has another ETag (if-match).",
        StorageErrorCode.RateLimited => "The account is throttling requests; retry later.",
        _ => "",
    };

    private static string FirstLine(string message)
    {
        int end = message.AsSpan().IndexOfAny('\r', '\n');
        var line = (end < 0 ? message : message[..end]).Trim();
        // Service messages are plain sentences; anything that looks like it carries request details is left out.
        return line.Contains("sig=", StringComparison.OrdinalIgnoreCase) || line.Contains("AccountKey", StringComparison.OrdinalIgnoreCase) ? "" : line;
    }

    private static string Describe(Exception e)
    {
        var inner = Innermost(e);
        return inner switch
        {
            RequestFailedException { Status: 0 } failed when failed.InnerException is { } cause => cause.GetType().Name + ": " + FirstLine(cause.Message),
            _ => inner.GetType().Name + ": " + FirstLine(inner.Message),
        };
    }
}
