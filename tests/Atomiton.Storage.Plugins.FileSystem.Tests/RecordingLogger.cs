using System.Collections.Concurrent;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>Keeps every message at <c>minimum</c> or above (Warning unless told otherwise).</summary>
public sealed class RecordingLogger(StorageLogLevel minimum = StorageLogLevel.Warning) : IStorageLogger
{
    /// <summary>Messages at Warning or above.</summary>
    public ConcurrentQueue<string> Warnings { get; } = new();

    /// <summary>Every message recorded, with its level.</summary>
    public ConcurrentQueue<(StorageLogLevel Level, string Message)> Messages { get; } = new();

    public bool IsEnabled(StorageLogLevel level) => level >= minimum;

    public void Log(StorageLogLevel level, string message, Exception? exception = null)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        Messages.Enqueue((level, message));
        if (level >= StorageLogLevel.Warning)
        {
            Warnings.Enqueue(message);
        }
    }
}
