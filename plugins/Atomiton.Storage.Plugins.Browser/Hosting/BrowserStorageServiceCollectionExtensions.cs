using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Plugins.Browser.Encrypted;
using Atomiton.Storage.Plugins.Browser.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Atomiton Storage for a Blazor app (WebAssembly or Server), without the plugin host.</summary>
public static class BrowserStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IBrowserStoragePipelines"/> (scoped: one per Blazor Server circuit, one per
    /// WebAssembly app) for <paramref name="configuration"/> in the shape of plugins.json — from
    /// <c>appsettings.json</c> (a section such as <c>"storage"</c>) or built in code. Providers come by
    /// reference (<see cref="BrowserStorageBuilder"/>); no plugin folder is read and McMaster is not used.
    /// Calling it twice is harmless. In WebAssembly, where .NET has no AES-GCM, it also registers the browser's
    /// WebCrypto for the <c>encrypted</c> stage (<see cref="WebCryptoSegmentCipherFactory"/>, same stored format).
    /// </summary>
    public static IServiceCollection AddAtomitonBrowserStorage(this IServiceCollection services, IConfiguration configuration, Action<BrowserStorageBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = new BrowserStorageBuilder();
        configure?.Invoke(builder);
        services.TryAddScoped<IBrowserStoragePipelines>(sp =>
            new BrowserStoragePipelines(configuration, builder, sp, sp.GetService<ILoggerFactory>()));
        if (OperatingSystem.IsBrowser())
        {
            services.TryAddScoped<SegmentCipherFactory>(sp => new WebCryptoSegmentCipherFactory(sp.GetRequiredService<IJSRuntime>()));
        }

        return services;
    }
}
