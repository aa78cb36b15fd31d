using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using JSHost = System.Runtime.InteropServices.JavaScript.JSHost;
using JSObject = System.Runtime.InteropServices.JavaScript.JSObject;
using System.Runtime.Versioning;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser.Interop;

/// <summary>
/// The JavaScript module (<c>atomiton-storage.js</c>, a static web asset of this library) as one
/// engine sees it: imported on first use, every call made with a cancellation token (so the
/// runtime's one-minute default does not cut long waits), and every failure turned into a
/// <see cref="StorageException"/> from the error <em>name</em> the module returns — a
/// <see cref="JSException"/>'s message is not a contract. Thread-safe.
/// </summary>
internal sealed class BrowserModule : IAsyncDisposable
{
    /// <summary>What System.Text.Json needs of a type it deserializes (JSInterop's own annotation).</summary>
    internal const DynamicallyAccessedMemberTypes JsonSerialized =
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties;

    /// <summary>Where the app serves the module: the static web asset path of this library.</summary>
    public const string ModulePath = "./_content/Atomiton.Storage.Plugins.Browser/atomiton-storage.js";

    /// <summary>
    /// How long one call may go unanswered (beyond a wait's own timeout). Interop calls carry a token, so the
    /// runtime's own one-minute default does not apply; a closed circuit never answers, and this ends the call.
    /// </summary>
    internal static readonly TimeSpan CallGuard = TimeSpan.FromMinutes(3);

    /// <summary>
    /// How long releasing what an engine holds in the page (its database connection, the module) may wait for an
    /// answer. Release is best effort — a page that is gone took those with it — and a page left without its circuit
    /// knowing yet (Blazor keeps a disconnected circuit for minutes) would otherwise hold a disposal for the full guard.
    /// </summary>
    internal static readonly TimeSpan ReleaseGuard = TimeSpan.FromSeconds(20);

    private static readonly ConditionalWeakTable<IJSRuntime, object> SendLocks = new();

    private readonly SemaphoreSlim _importing = new(1, 1);
    private readonly string _engineType;
    private IJSObjectReference? _module;

    // The answers' nested shapes are kept whole when an app is trimmed (the generic annotation keeps only the outer type's members).
    [DynamicDependency(JsonSerialized, typeof(JsItem))]
    [DynamicDependency(JsonSerialized, typeof(JsOpened))]
    [DynamicDependency(JsonSerialized, typeof(JsEntry))]
    [DynamicDependency(JsonSerialized, typeof(JsListPage))]
    [DynamicDependency(JsonSerialized, typeof(JsChange))]
    [DynamicDependency(JsonSerialized, typeof(JsChangePage))]
    [DynamicDependency(JsonSerialized, typeof(JsChangeState))]
    [DynamicDependency(JsonSerialized, typeof(JsEstimate))]
    [DynamicDependency(JsonSerialized, typeof(JsLocalUsage))]
    [DynamicDependency(JsonSerialized, typeof(JsRange))]
    public BrowserModule(IJSRuntime runtime, string engineType)
    {
        Runtime = runtime;
        _engineType = engineType;
    }

    public IJSRuntime Runtime { get; }

    // WebAssembly runs one page per process: the [JSImport] module is imported once for all engines.
    private static Task<bool>? s_imported;
    private static JSObject? s_importedModule; // the imported module's proxy, kept for the life of the page

    /// <summary>
    /// WebAssembly: imports the module for [JSImport] (<see cref="ImportedModule"/>) from the address the IJSRuntime
    /// import answers, once per process; true when its calls can be used. False in Blazor Server (the module is in
    /// another process) and when the import fails (the engine then calls the module through IJSRuntime only).
    /// </summary>
    [SupportedOSPlatform("browser")]
    public async ValueTask<bool> ImportedAsync(string operation, CancellationToken cancellationToken)
    {
        if (Runtime is not IJSInProcessRuntime)
        {
            return false;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var importing = s_imported ??= ImportForJSImportAsync(operation);
        try
        {
            return await importing;
        }
        catch (StorageException)
        {
            // The module itself could not be reached (the call says why); the next operation tries again.
            _ = Interlocked.CompareExchange(ref s_imported, null, importing);
            throw;
        }
    }

    [SupportedOSPlatform("browser")]
    private async Task<bool> ImportForJSImportAsync(string operation)
    {
        try
        {
            string url = await CallAsync<string>("moduleUrl", operation, null, CancellationToken.None);
            s_importedModule = await JSHost.ImportAsync(ImportedModule.Name, url);
            return true;
        }
        catch (System.Runtime.InteropServices.JavaScript.JSException)
        {
            return false;
        }
    }

    /// <summary>Calls a function that answers <c>{ v }</c> or <c>{ e, m }</c>; throws the mapped error.</summary>
    public async ValueTask<T> CallAsync<[DynamicallyAccessedMembers(JsonSerialized)] T>(string function, string operation, string? key, CancellationToken cancellationToken, params object?[] args)
    {
        var result = await InvokeAsync<JsResult<T>>(function, operation, key, cancellationToken, args);
        if (result.Error is { } error)
        {
            throw BrowserErrors.ToException(error, result.Message, _engineType, operation, key);
        }

        return result.Value!;
    }

    /// <summary>Calls a function that answers a plain value.</summary>
    public async ValueTask<T> InvokeAsync<[DynamicallyAccessedMembers(JsonSerialized)] T>(string function, string operation, string? key, CancellationToken cancellationToken, params object?[] args)
    {
        var module = await ImportAsync(operation, cancellationToken);
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(CallGuard + (function == "idbWait" && args[^1] is double wait ? TimeSpan.FromMilliseconds(wait) : TimeSpan.Zero));
        try
        {
            // Blazor Server's JS runtime gathers a call's byte[] arguments in one list per runtime while
            // it serializes and sends the call, which is not safe from several threads at once: two saves
            // started together could send one's bytes with the other's call (the kit's 16 concurrent
            // if-match writers met "Upload null is not open"). The start of each call is serialized per
            // runtime; the answers are still awaited concurrently.
            ValueTask<T> pending;
            lock (SendLocks.GetValue(Runtime, static _ => new object()))
            {
                pending = module.InvokeAsync<T>(function, guard.Token, args);
            }

            return await pending;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StorageException(StorageErrorCode.Timeout,
                $"The browser did not answer {function} ({_engineType}, key '{key}') within {CallGuard.TotalMinutes:0} minutes. The page may be gone, or (Blazor Server) its circuit closed: a browser-to-server message above HubOptions.MaximumReceiveMessageSize closes it.", e)
            { Provider = _engineType, Operation = operation, Key = key, IsTransient = true };
        }
        catch (JSDisconnectedException e)
        {
            throw BrowserErrors.Disconnected(_engineType, operation, key, e);
        }
        catch (JSException e)
        {
            throw new StorageException(StorageErrorCode.Unknown, $"The browser failed in {function} ({_engineType}, key '{key}'): {e.Message}", e)
            { Provider = _engineType, Operation = operation, Key = key };
        }
    }

    /// <summary>
    /// Releases something the page holds (a database connection): best effort, waiting at most
    /// <see cref="ReleaseGuard"/>; a page that is gone or does not answer took it with it.
    /// </summary>
    public async ValueTask ReleaseAsync(string function, params object?[] args)
    {
        using var release = new CancellationTokenSource(ReleaseGuard);
        try
        {
            await InvokeAsync<JsResult<bool>>(function, "dispose", null, release.Token, args);
        }
        catch (Exception e) when (e is StorageException or OperationCanceledException)
        {
            // The page is gone (or does not answer), and what it held with it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is { } module)
        {
            _module = null;
            try
            {
                await module.DisposeAsync().AsTask().WaitAsync(ReleaseGuard);
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone, and the module with it.
            }
            catch (Exception e) when (e is TaskCanceledException or TimeoutException)
            {
                // The page did not answer (closed, circuit not yet dropped): nothing to release any more.
            }
        }

        _importing.Dispose();
    }

    private async ValueTask<IJSObjectReference> ImportAsync(string operation, CancellationToken cancellationToken)
    {
        if (_module is { } ready)
        {
            return ready;
        }

        await _importing.WaitAsync(cancellationToken);
        try
        {
            return _module ??= await Runtime.InvokeAsync<IJSObjectReference>("import", cancellationToken, ModulePath);
        }
        catch (JSDisconnectedException e)
        {
            throw BrowserErrors.Disconnected(_engineType, operation, null, e);
        }
        catch (JSException e)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"The browser could not load {ModulePath} ({_engineType}): {e.Message}. Reference Atomiton.Storage.Plugins.Browser from the app that serves the page so its static web assets are published.", e)
            { Provider = _engineType, Operation = operation };
        }
        finally
        {
            _importing.Release();
        }
    }
}
