using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Cloud.Server;

/// <summary>Starts a standalone Atomiton Cloud server (Kestrel) over one engine or pipeline.</summary>
public static class CloudServer
{
    /// <summary>
    /// Starts listening on <see cref="CloudServerOptions.Urls"/> and returns once the server
    /// accepts connections. The engine stays the caller's: stopping the server does not dispose it.
    /// </summary>
    /// <param name="engine">What to serve.</param>
    /// <param name="options">URLs, keys and limits; <see cref="CloudServerOptions.Keys"/> or <see cref="CloudServerOptions.Database"/> is required.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server, with the addresses it bound (port 0 resolved).</returns>
    /// <exception cref="ArgumentException">Neither a key store nor a database was given, or both were.</exception>
    /// <exception cref="IOException">An address is in use.</exception>
    public static async Task<RunningCloudServer> StartAsync(IStorageEngine engine, CloudServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        CloudEndpointRouteBuilderExtensions.ValidateStateOptions(options);

        // No watch on an appsettings.json in the working folder: each watch is an inotify instance (128 per
        // user by default), and a process may run many servers (replicas, tests).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(CloudServer).Assembly.GetName().Name,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        if (options.ConfigureLogging is { } configureLogging)
        {
            configureLogging(builder.Logging);
        }
        else
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        }

        builder.WebHost.UseUrls([.. options.Urls]);
        // The slim builder leaves HTTPS out; this brings back https:// URLs and certificates from the
        // Kestrel configuration section (for example Kestrel__Certificates__Default__Path).
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodySize;
            kestrel.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalSize;
            kestrel.Limits.MaxRequestLineSize = 16 * 1024;
            if (options.ConfigureHttps is { } configureHttps)
            {
                kestrel.ConfigureHttpsDefaults(configureHttps);
            }
        });

        var app = builder.Build();
        app.UseAtomitonCloudPathGuard();
        app.MapAtomitonCloud(engine, options);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
        return new RunningCloudServer(app, [.. addresses.Select(a => new Uri(a))]);
    }
}
