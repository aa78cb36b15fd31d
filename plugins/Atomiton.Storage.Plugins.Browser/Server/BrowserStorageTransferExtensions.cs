using Atomiton.Storage.Plugins.Browser;
using Atomiton.Storage.Plugins.Browser.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Large browser-storage content over HTTP beside the Blazor Server circuit (docs/providers/browser.md, "Blazor
/// Server: large objects"). Register with <see cref="AddAtomitonBrowserStorageTransfers"/>, map with
/// <see cref="MapAtomitonBrowserStorageTransfers"/>; the engines built by <c>IBrowserStoragePipelines</c> then use it.
/// </summary>
public static class BrowserStorageTransferExtensions
{
    /// <summary>Registers the transfers (one <see cref="IBrowserContentTransport"/> for the app). Calling it twice is harmless.</summary>
    public static IServiceCollection AddAtomitonBrowserStorageTransfers(this IServiceCollection services, Action<BrowserStorageTransferOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new BrowserStorageTransferOptions();
        configure?.Invoke(options);
        if (!options.Path.StartsWith('/') || options.Path.Trim('/').Length == 0 || options.Path.Contains('?', StringComparison.Ordinal) || options.Path.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"BrowserStorageTransferOptions.Path '{options.Path}' must be an absolute path below the app's path base, such as /_atomiton/storage/transfer.", nameof(configure));
        }

        services.TryAddSingleton(sp => new HttpContentTransport(options, sp.GetRequiredService<ILogger<HttpContentTransport>>()));
        services.TryAddSingleton<IBrowserContentTransport>(sp => sp.GetRequiredService<HttpContentTransport>());
        return services;
    }

    /// <summary>
    /// Maps <c>GET</c> and <c>POST {Path}/{token}</c>. The endpoints answer only one-time tokens an engine issued
    /// moments before, and 404 to anything else; they need no authentication of their own (a token is 256 random
    /// bits, told only to the page of the circuit that asked), and must not sit behind an authorization policy
    /// the page's fetch cannot satisfy.
    /// </summary>
    public static IEndpointConventionBuilder MapAtomitonBrowserStorageTransfers(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var transport = endpoints.ServiceProvider.GetService<HttpContentTransport>()
            ?? throw new InvalidOperationException("Call services.AddAtomitonBrowserStorageTransfers() before app.MapAtomitonBrowserStorageTransfers().");
        transport.Mapped = true;
        var group = endpoints.MapGroup(transport.Path);
        group.MapGet("/{token}", (HttpContext context, string token) => transport.SendAsync(context, token)).ExcludeFromDescription();
        group.MapPost("/{token}", (HttpContext context, string token) => transport.ReceiveAsync(context, token)).ExcludeFromDescription().DisableAntiforgery();
        return group;
    }
}
