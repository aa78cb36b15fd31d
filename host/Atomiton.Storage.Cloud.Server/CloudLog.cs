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

    private static readonly Action<ILogger, string, string, string, string, string, Exception?> EngineErrorMessage =
        LoggerMessage.Define<string, string, string, string, string>(LogLevel.Warning, new EventId(3, "EngineError"),
            "Reference {Reference}: {Method} {Path} failed with {Code}: {Message}");

    private static readonly Action<ILogger, string, string, string, Exception?> UnexpectedErrorMessage =
        LoggerMessage.Define<string, string, string>(LogLevel.Error, new EventId(4, "UnexpectedError"),
            "Reference {Reference}: {Method} {Path} failed unexpectedly");

    private static readonly Action<ILogger, string, Exception?> ListingKeyPerProcessMessage =
        LoggerMessage.Define<string>(LogLevel.Warning, new EventId(5, "ListingKeyPerProcess"),
            "The listing token key file '{KeyFile}' can be neither read nor created; this process seals listing tokens with a key of its own, "
            + "so listings in progress must start again after a restart. Make the key file's folder writable by the server's user to keep them.");

    /// <summary>The listing token key could not be kept in its file (see <see cref="State.ListingTokenKeyFile"/>).</summary>
    public static void ListingKeyPerProcess(ILogger logger, string keyFile, Exception error) => ListingKeyPerProcessMessage(logger, keyFile, error);

    public static void KeyStoreUnavailable(ILogger logger, string problem, Exception? error) => KeyStoreUnavailableMessage(logger, problem, error);

    public static void KeyStoreBack(ILogger logger, string keyFile) => KeyStoreBackMessage(logger, keyFile, null);

    /// <summary>The full detail of an engine error whose tenant-facing answer left it out, under <paramref name="reference"/>.</summary>
    public static void EngineError(ILogger logger, string reference, string method, string path, StorageException error) =>
        EngineErrorMessage(logger, reference, method, path, error.Code.ToString(), error.Message, error);

    /// <summary>A failure that is no storage error, under <paramref name="reference"/>.</summary>
    public static void UnexpectedError(ILogger logger, string reference, string method, string path, Exception error) =>
        UnexpectedErrorMessage(logger, reference, method, path, error);
}
