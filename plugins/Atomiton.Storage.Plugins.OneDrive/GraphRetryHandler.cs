using System.Net;

namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>
/// Retries what Graph asks to be retried: 429 and 503 after their <c>Retry-After</c> (never earlier),
/// 500, 502 and 504 and dropped connections with doubling delays; at most <c>maxRetries</c> times per
/// request. Also spaces requests to the configured requests-per-second. Replaces the SDK's retry handler,
/// which covers neither 500/502 nor dropped connections.
/// </summary>
internal sealed class GraphRetryHandler(int maxRetries, TimeSpan firstDelay, TimeProvider time, RequestSpacer? spacer) : DelegatingHandler
{
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(30);

    /// <summary>How many times a request was sent again (tests and benchmarks count them).</summary>
    public int Retries => Volatile.Read(ref _retries);

    private int _retries;

    /// <summary>Whether the request's body can be sent again (none, or buffered, or a seekable stream).</summary>
    internal static bool CanResend(HttpRequestMessage request) =>
        request.Content is null or ByteArrayContent or ReadOnlyMemoryContent or StringContent
        || request.Content.Headers.ContentLength is not null;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var delay = firstDelay;
        for (int attempt = 0; ; attempt++)
        {
            if (spacer is not null)
            {
                await spacer.WaitAsync(cancellationToken);
            }

            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < maxRetries && CanResend(request) && !cancellationToken.IsCancellationRequested)
            {
                await WaitAsync(delay, cancellationToken);
                delay = Next(delay);
                continue;
            }

            if (attempt >= maxRetries || !IsRetryable(response.StatusCode) || !CanResend(request))
            {
                return response;
            }

            var wait = RetryAfterOf(response) ?? delay;
            response.Dispose();
            await WaitAsync(wait, cancellationToken);
            delay = Next(delay);
        }
    }

    private static bool IsRetryable(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError
        or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - time.GetUtcNow() : null;
    }

    private async Task WaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _retries);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private static TimeSpan Next(TimeSpan delay) => delay * 2 > LongestDelay ? LongestDelay : delay * 2;
}
