using Atomiton.Storage.Memory;
using Atomiton.Storage.Plugins.Browser.IndexedDb;
using Atomiton.Storage.Plugins.Browser.LocalStorage;
using Atomiton.Storage.Providers;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser;

/// <summary>
/// The browser's <c>createStorage()</c>: IndexedDB if it opens, else localStorage, else memory with a
/// warning; an explicit engine wins. The engine it returns reports which one it is through
/// <see cref="IStorageEngine.GetInfoAsync"/> (<see cref="StorageInfo.EngineType"/>).
/// </summary>
public static class BrowserStorage
{
    /// <summary>Creates the engine <paramref name="options"/> asks for, falling back as described.</summary>
    /// <exception cref="StorageException">
    /// With an explicit engine: that engine's error (AccessDenied when the page refuses it). In every mode:
    /// NetworkError when the page is disconnected (the Blazor circuit closed) — nothing falls back from that.
    /// </exception>
    public static async ValueTask<IStorageEngine> CreateAsync(IJSRuntime runtime, BrowserStorageOptions options, IStorageLogger? logger = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
        await CreateAsync(runtime, options, transport: null, logger, timeProvider, cancellationToken);

    /// <summary>Creates the engine <paramref name="options"/> asks for, falling back as described; in Blazor Server, large content takes <paramref name="transport"/> (when not null) beside the circuit.</summary>
    /// <exception cref="StorageException">As the overload without a transport.</exception>
    public static async ValueTask<IStorageEngine> CreateAsync(IJSRuntime runtime, BrowserStorageOptions options, IBrowserContentTransport? transport, IStorageLogger? logger = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullStorageLogger.Instance;
        switch (options.Engine)
        {
            case IndexedDbEngine.TypeName:
                return await OpenIndexedDbAsync(runtime, options, transport, timeProvider, cancellationToken);
            case LocalStorageEngine.TypeName:
                return await OpenLocalStorageAsync(runtime, options, transport, timeProvider, cancellationToken);
            case MemoryEngine.TypeName:
                return new MemoryEngine(null, timeProvider);
        }

        try
        {
            return await OpenIndexedDbAsync(runtime, options, transport, timeProvider, cancellationToken);
        }
        catch (StorageException e) when (e.Code != StorageErrorCode.NetworkError)
        {
            logger.Log(StorageLogLevel.Information, $"IndexedDB is not usable here ({e.Message}); trying localStorage.");
        }

        try
        {
            return await OpenLocalStorageAsync(runtime, options, transport, timeProvider, cancellationToken);
        }
        catch (StorageException e) when (e.Code != StorageErrorCode.NetworkError)
        {
            logger.Log(StorageLogLevel.Warning,
                $"Neither IndexedDB nor localStorage is usable in this browser ({e.Message}); storage '{options.Name}' is kept in memory and is lost when the page closes.");
        }

        return new MemoryEngine(null, timeProvider);
    }

    private static async ValueTask<IStorageEngine> OpenIndexedDbAsync(IJSRuntime runtime, BrowserStorageOptions options, IBrowserContentTransport? transport, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        var engine = new IndexedDbEngine(runtime, options.IndexedDb, timeProvider, transport);
        try
        {
            await engine.OpenAsync(cancellationToken);
            return engine;
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    private static async ValueTask<IStorageEngine> OpenLocalStorageAsync(IJSRuntime runtime, BrowserStorageOptions options, IBrowserContentTransport? transport, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        var engine = new LocalStorageEngine(runtime, options.LocalStorage, timeProvider, transport);
        try
        {
            await engine.ProbeAsync(cancellationToken);
            return engine;
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }
}
