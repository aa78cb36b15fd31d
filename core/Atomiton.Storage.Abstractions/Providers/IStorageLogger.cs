namespace Atomiton.Storage.Providers;

/// <summary>
/// The logging the host hands to engines: a deliberately tiny contract so plugins need no logging
/// package (the host adapts it to <c>Microsoft.Extensions.Logging</c>). Never log content or secrets.
/// </summary>
public interface IStorageLogger
{
    /// <summary>Whether messages of <paramref name="level"/> are recorded.</summary>
    bool IsEnabled(StorageLogLevel level);

    /// <summary>Records a message.</summary>
    void Log(StorageLogLevel level, string message, Exception? exception = null);
}
