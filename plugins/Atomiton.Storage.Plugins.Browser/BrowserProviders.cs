using Atomiton.Storage.Plugins.Browser.IndexedDb;
using Atomiton.Storage.Plugins.Browser.LocalStorage;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser;

/// <summary>Finds the page's <see cref="IJSRuntime"/> (in Blazor Server, the circuit's) in the services a provider receives.</summary>
internal static class BrowserRuntime
{
    public static IJSRuntime From(StorageProviderContext context, string provider) =>
        context.Services?.GetService<IJSRuntime>()
        ?? throw new StorageException(StorageErrorCode.InvalidConfiguration,
            $"Stage '{context.StageName}' of pipeline '{context.PipelineName}' ({provider}) needs the page's IJSRuntime: build browser pipelines with IBrowserStoragePipelines (services.AddAtomitonBrowserStorage) inside a Blazor app, where IJSRuntime is a service.")
        { Provider = provider, Operation = "create" };

    /// <summary>The app's HTTP transport for large content (Blazor Server with Atomiton.Storage.Plugins.Browser.Server), or null.</summary>
    public static IBrowserContentTransport? Transport(StorageProviderContext context) => context.Services?.GetService<IBrowserContentTransport>();
}

/// <summary>The <c>indexeddb</c> backend.</summary>
public sealed class IndexedDbProvider : StorageProvider<IndexedDbOptions>
{
    /// <inheritdoc />
    public override string Name => IndexedDbEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    /// <inheritdoc />
    public override string Description => "The browser's IndexedDB (Blazor WebAssembly or Server): transactions, ordered paged listing, quota, change feed across tabs.";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(IndexedDbOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new IndexedDbEngine(BrowserRuntime.From(context, Name), options, context.TimeProvider, BrowserRuntime.Transport(context)));
}

/// <summary>The <c>localstorage</c> backend.</summary>
public sealed class LocalStorageProvider : StorageProvider<LocalStorageOptions>
{
    /// <inheritdoc />
    public override string Name => LocalStorageEngine.TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    /// <inheritdoc />
    public override string Description => "The browser's localStorage: small objects as base64 strings, a few megabytes per site.";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(LocalStorageOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new LocalStorageEngine(BrowserRuntime.From(context, Name), options, context.TimeProvider, BrowserRuntime.Transport(context)));
}

/// <summary>The <c>browser</c> backend: <c>createStorage()</c>, IndexedDB → localStorage → memory.</summary>
public sealed class BrowserStorageProvider : StorageProvider<BrowserStorageOptions>
{
    /// <summary>The provider's name in plugins.json.</summary>
    public const string TypeName = "browser";

    /// <inheritdoc />
    public override string Name => TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    /// <inheritdoc />
    public override string Description => "The best storage the browser offers: IndexedDB if it opens, else localStorage, else memory (with a warning).";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(BrowserStorageOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        BrowserStorage.CreateAsync(BrowserRuntime.From(context, Name), options, BrowserRuntime.Transport(context), context.Logger, context.TimeProvider, cancellationToken);
}
