namespace Atomiton.Storage.Providers;

/// <summary>A logger that records nothing.</summary>
public sealed class NullStorageLogger : IStorageLogger
{
    private NullStorageLogger()
    {
    }

    /// <summary>The one instance.</summary>
    public static NullStorageLogger Instance { get; } = new();

    /// <inheritdoc />
    public bool IsEnabled(StorageLogLevel level) => false;

    /// <inheritdoc />
    public void Log(StorageLogLevel level, string message, Exception? exception = null)
    {
    }
}
