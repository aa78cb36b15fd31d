namespace Atomiton.Storage.Resilience;

/// <summary>The one rule every stage uses to tell a failure worth retrying or failing over from an answer.</summary>
public static class TransientFailure
{
    /// <summary>
    /// True for a <see cref="StorageException"/> marked transient whose code is not one of the
    /// answers that no retry can change (NotFound, Conflict, AccessDenied, Integrity, InvalidKey,
    /// InvalidArgument, UnsupportedOperation), whatever its transient flag says.
    /// </summary>
    public static bool Is(Exception? exception) =>
        exception is StorageException { IsTransient: true } storage && !IsAnswer(storage.Code);

    /// <summary>Whether a code is an answer about the data or the request rather than a failure of the backend.</summary>
    public static bool IsAnswer(StorageErrorCode code) => code is StorageErrorCode.NotFound or StorageErrorCode.Conflict
        or StorageErrorCode.AccessDenied or StorageErrorCode.Integrity or StorageErrorCode.InvalidKey
        or StorageErrorCode.InvalidArgument or StorageErrorCode.UnsupportedOperation or StorageErrorCode.ObjectTooLarge;
}
