using Atomiton.Storage.Providers;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Hosting.Logging;

/// <summary>Adapts an <see cref="ILogger"/> to the contract's tiny <see cref="IStorageLogger"/>, so plugins need no logging package.</summary>
internal sealed class StorageLoggerAdapter(ILogger logger) : IStorageLogger
{
    public bool IsEnabled(StorageLogLevel level) => logger.IsEnabled(Map(level));

    public void Log(StorageLogLevel level, string message, Exception? exception = null)
    {
        var mapped = Map(level);
        if (logger.IsEnabled(mapped))
        {
            logger.Log(mapped, default, message, exception, static (state, _) => state);
        }
    }

    private static LogLevel Map(StorageLogLevel level) => level switch
    {
        StorageLogLevel.Trace => LogLevel.Trace,
        StorageLogLevel.Debug => LogLevel.Debug,
        StorageLogLevel.Information => LogLevel.Information,
        StorageLogLevel.Warning => LogLevel.Warning,
        StorageLogLevel.Error => LogLevel.Error,
        _ => LogLevel.Critical,
    };
}
