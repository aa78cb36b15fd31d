using System.Collections.Concurrent;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>Keeps the plugin's log messages.</summary>
public sealed class RecordingStorageLogger : IStorageLogger
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public bool IsEnabled(StorageLogLevel level) => true;

    public void Log(StorageLogLevel level, string message, Exception? exception = null) => Messages.Enqueue(message);
}
