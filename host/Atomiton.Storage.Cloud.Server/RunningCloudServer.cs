using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Atomiton.Storage.Cloud.Server;

/// <summary>A started server. Dispose it (or call <see cref="StopAsync"/>) to stop listening; in-flight requests are cut off after the grace period.</summary>
public sealed class RunningCloudServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    internal RunningCloudServer(WebApplication app, IReadOnlyList<Uri> addresses)
    {
        _app = app;
        Addresses = addresses;
    }

    /// <summary>The addresses the server listens on, with real ports.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The application's services (tests read the endpoint list from them).</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>The first address, for clients (such as the <c>cloud</c> plugin's <c>endpoint</c>).</summary>
    public Uri Endpoint => Addresses[0];

    /// <summary>Stops the server; requests still running when <paramref name="cancellationToken"/> fires are aborted.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <summary>Waits until the server stops (for a command line that serves until Ctrl+C).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
