using Google.Apis.Http;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>
/// Keeps a stage under <see cref="GoogleDriveOptions.RequestsPerSecond"/>: every request (retries
/// included) takes the next free slot, 1/rate apart, and waits for it on the engine's clock.
/// Thread-safe.
/// </summary>
internal sealed class DrivePacer(double requestsPerSecond, TimeProvider time) : IHttpExecuteInterceptor
{
    private readonly object _gate = new();
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(1 / requestsPerSecond);
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    public async Task InterceptAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var slot = _next > now ? _next : now;
            _next = slot + _interval;
            wait = slot - now;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }
}
