using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Host.Auth;

/// <summary>With <c>--verbose</c>, what a provider logs while signing in (or out) goes to stderr, one line each, tagged with the stage.</summary>
internal sealed class VerboseStorageLogger(TextWriter messages, string stage) : IStorageLogger
{
    public bool IsEnabled(StorageLogLevel level) => true;

    public void Log(StorageLogLevel level, string message, Exception? exception = null)
    {
        lock (messages)
        {
            messages.WriteLine($"[{level.ToString().ToLowerInvariant()}] {stage}: {message}{(exception is null ? "" : " (" + exception.GetType().Name + ": " + exception.Message + ")")}");
        }
    }
}
