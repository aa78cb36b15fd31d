using System.Collections.Concurrent;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>Keeps every message at Warning or above.</summary>
public sealed class RecordingLogger : IStorageLogger
{
    public ConcurrentQueue<string> Warnings { get; } = new();

    public bool IsEnabled(StorageLogLevel level) => level >= StorageLogLevel.Warning;

    public void Log(StorageLogLevel level, string message, Exception? exception = null)
    {
        if (IsEnabled(level))
        {
            Warnings.Enqueue(message);
        }
    }
}
