namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>Maps operating-system I/O failures onto <see cref="StorageErrorCode"/>s with messages that say what to do.</summary>
internal static class IOErrors
{
    private const int UnixNoSpace = 28;
    private const int UnixQuota = 122;
    private const int WindowsDiskFull = 112;
    private const int WindowsHandleDiskFull = 39;

    /// <summary>Whether <paramref name="e"/> is an operating-system failure this class translates.</summary>
    public static bool IsTranslatable(Exception e) => e is IOException or UnauthorizedAccessException;

    /// <summary>The storage error for an I/O failure on <paramref name="key"/>.</summary>
    public static StorageException Translate(Exception e, string key, string operation)
    {
        if (e is UnauthorizedAccessException)
        {
            return new StorageException(StorageErrorCode.AccessDenied,
                $"The operating system denied access while trying to {operation} key '{key}'. Check the permissions of baseDir and its contents.", e)
            { Key = key };
        }

        int code = e.HResult & 0xFFFF;
        bool windows = OperatingSystem.IsWindows();
        if (windows ? code is WindowsDiskFull or WindowsHandleDiskFull : e.HResult == UnixNoSpace)
        {
            return new StorageException(StorageErrorCode.StorageFull,
                $"The disk holding baseDir is full; could not {operation} key '{key}'. Free space and retry. Nothing was written.", e)
            { Key = key };
        }

        if (!windows && e.HResult == UnixQuota)
        {
            return new StorageException(StorageErrorCode.QuotaExceeded,
                $"The disk quota of the user running this process is exhausted; could not {operation} key '{key}'. Nothing was written.", e)
            { Key = key };
        }

        if (e is PathTooLongException)
        {
            return new StorageException(StorageErrorCode.InvalidKey,
                $"Could not {operation} key '{key}': it maps to a path longer than this operating system allows under baseDir. Use a shorter key or a shorter baseDir.", e)
            { Key = key };
        }

        return new StorageException(StorageErrorCode.Unknown,
            $"A file-system error occurred while trying to {operation} key '{key}': {e.Message}", e)
        { Key = key };
    }
}
