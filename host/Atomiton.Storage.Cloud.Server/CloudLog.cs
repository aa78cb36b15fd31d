using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Cloud.Server;

/// <summary>The server's own log messages. None carries a key; they may name server paths, which callers never see.</summary>
internal static class CloudLog
{
    private static readonly Action<ILogger, string, Exception?> KeyStoreUnavailableMessage =
        LoggerMessage.Define<string>(LogLevel.Error, new EventId(1, "KeyStoreUnavailable"),
            "{Problem} Every request with a key is answered 503 meanwhile.");

    private static readonly Action<ILogger, string, Exception?> KeyStoreBackMessage =
        LoggerMessage.Define<string>(LogLevel.Information, new EventId(2, "KeyStoreBack"),
            "The API key file '{KeyFile}' is readable again; requests with a key are served.");

    public static void KeyStoreUnavailable(ILogger logger, string problem, Exception? error) => KeyStoreUnavailableMessage(logger, problem, error);

    public static void KeyStoreBack(ILogger logger, string keyFile) => KeyStoreBackMessage(logger, keyFile, null);
}
