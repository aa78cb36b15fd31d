using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser.Interop;

/// <summary>Turns the module's error names into the contract's codes, each message saying what to do.</summary>
internal static class BrowserErrors
{
    /// <summary>The error a module call reports as <c>{ e: name, m: message }</c>.</summary>
    public static StorageException ToException(string name, string? message, string engineType, string operation, string? key)
    {
        var (code, text, transient) = name switch
        {
            "NotFound" => (StorageErrorCode.NotFound, $"No object has the key '{key}'.", false),
            "QuotaExceededError" => (StorageErrorCode.QuotaExceeded,
                $"The browser's storage quota for this site is full; '{key}' was not written and earlier objects are intact. Delete objects, or ask for persistent storage (persist: true) where the browser grants more.", false),
            "IndexedDbUnavailable" or "LocalStorageUnavailable" or "SecurityError" => (StorageErrorCode.AccessDenied,
                $"The browser refuses {engineType} to this page ({message}). Private windows, embedded web views and disabled site data do this; use the 'browser' engine (createStorage), which falls back to another engine.", false),
            "VersionError" => (StorageErrorCode.InvalidConfiguration,
                $"The IndexedDB database cannot be opened at the configured version: {message} Raise the configured version to at least the database's, or choose another database name.", false),
            "Blocked" or "VersionChange" => (StorageErrorCode.Unknown,
                $"The IndexedDB database is held by another tab: {message} Close the other tabs of this site or reload them, then try again.", true),
            "Integrity" => (StorageErrorCode.Integrity, message ?? "Stored data is damaged.", false),
            "WebCryptoUnavailable" => (StorageErrorCode.UnsupportedOperation,
                $"The browser offers no WebCrypto to this page, which the encrypted stage needs in WebAssembly: {message}", false),
            "InvalidStateError" or "TransactionInactiveError" or "AbortError" or "UnknownError" or "DataError" => (StorageErrorCode.Unknown,
                $"The browser's storage failed ({name}): {message}", name is "UnknownError" or "AbortError"),
            _ => (StorageErrorCode.Unknown, $"The browser's storage failed ({name}): {message}", false),
        };
        return new StorageException(code, text) { Provider = engineType, Operation = operation, Key = key, IsTransient = transient };
    }

    /// <summary>The page (Blazor Server: the circuit) is gone, so is the browser storage it reached.</summary>
    public static StorageException Disconnected(string engineType, string operation, string? key, JSDisconnectedException inner) =>
        new(StorageErrorCode.NetworkError,
            $"The browser that holds this {engineType} storage is disconnected (the Blazor circuit closed or the page was left); nothing more can be read or written through it. Build a new engine in the new circuit.", inner)
        { Provider = engineType, Operation = operation, Key = key, IsTransient = false };
}
