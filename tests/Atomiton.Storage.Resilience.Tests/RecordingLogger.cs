using System.Collections.Concurrent;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Tests;

/// <summary>Keeps every message for assertions.</summary>
internal sealed class RecordingLogger : IStorageLogger
{
    public ConcurrentQueue<(StorageLogLevel Level, string Text)> Messages { get; } = new();

    public bool IsEnabled(StorageLogLevel level) => true;

    public void Log(StorageLogLevel level, string message, Exception? exception = null) => Messages.Enqueue((level, message));
}
