namespace Atomiton.Storage.Resilience;

/// <summary>The one rule every stage uses to tell a failure worth retrying or failing over from an answer.</summary>
public static class TransientFailure
{
    /// <summary>
    /// True for a <see cref="StorageException"/> marked transient whose code is not one of the
    /// answers that no retry can change (NotFound, Conflict, AccessDenied, Integrity, InvalidKey,
    /// InvalidArgument, UnsupportedOperation), whatever its transient flag says, and not
    /// <see cref="StorageException.IsPersistent"/> (a retry stage beneath already gave up on it).
    /// </summary>
    public static bool Is(Exception? exception) =>
        exception is StorageException { IsTransient: true, IsPersistent: false } storage && !IsAnswer(storage.Code);

    /// <summary>
    /// True for a failure of the backend, as opposed to an answer: a transient error, or one that
    /// was transient and persisted through a retry stage. Circuit breakers count these.
    /// </summary>
    public static bool IsBackendFailure(Exception? exception) =>
        exception is StorageException storage && (storage.IsTransient || storage.IsPersistent) && !IsAnswer(storage.Code);

    /// <summary>Whether a code is an answer about the data or the request rather than a failure of the backend.</summary>
    public static bool IsAnswer(StorageErrorCode code) => code is StorageErrorCode.NotFound or StorageErrorCode.Conflict
        or StorageErrorCode.AccessDenied or StorageErrorCode.Integrity or StorageErrorCode.InvalidKey
        or StorageErrorCode.InvalidArgument or StorageErrorCode.UnsupportedOperation or StorageErrorCode.ObjectTooLarge;
}
