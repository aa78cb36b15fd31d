using Polly;
using Polly.CircuitBreaker;

namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>
/// The replicas of one Atomiton Cloud a client talks to, composed of Polly's own pieces rather than a
/// loop of the plugin's: each attempt goes to the next replica in turn whose circuit is not open, through
/// that replica's Polly circuit breaker (the strategy the <c>circuit-breaker</c> stage of
/// Atomiton.Storage.Resilience is built on). A replica that fails to answer (connection refused or cut,
/// timeout, 502–504) <see cref="FailuresToBreak"/> times within <see cref="SamplingDuration"/> — or in half
/// of its attempts there — is left out for <see cref="BreakDuration"/> on the context's clock, then one
/// probe request is let through. The one retry loop is the transport's Polly retry: a failed attempt is
/// retried there, and goes to another replica because the rotation has moved on. When every circuit is
/// open the attempt fails at once with a transient NetworkError whose RetryAfter is the shortest rest of
/// a break, which that retry waits for. With one endpoint there is no breaker: nothing to fail over to.
/// Thread-safe.
/// </summary>
internal sealed class CloudEndpoints
{
    /// <summary>How long a replica whose circuit opened is left out before a probe.</summary>
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);

    /// <summary>The window in which failures are counted.</summary>
    public static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(30);

    /// <summary>The fewest attempts in the window that can open a circuit (Polly's smallest, 2).</summary>
    public const int FailuresToBreak = 2;

    private readonly Endpoint[] _endpoints;
    private int _next = -1;

    public CloudEndpoints(IReadOnlyList<Uri> endpoints, TimeProvider time)
    {
        _endpoints = [.. endpoints.Select(uri => endpoints.Count == 1 ? new Endpoint(uri, null, null) : BuildEndpoint(uri, time))];
    }

    public int Count => _endpoints.Length;

    /// <summary>The base URLs, in the order given (the endpoint first).</summary>
    public IReadOnlyList<Uri> Uris => [.. _endpoints.Select(e => e.Uri)];

    /// <summary>
    /// Sends one attempt to the next replica whose circuit is not open (or, when all are open, to the next
    /// in turn, whose breaker refuses it), recording the outcome in that replica's breaker.
    /// </summary>
    /// <param name="send">Sends the attempt to the base URL given.</param>
    /// <param name="key">The key the request is about, for the error of a refused attempt.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    public async ValueTask<T> SendAsync<T>(Func<Uri, CancellationToken, ValueTask<T>> send, string? key, CancellationToken cancellationToken)
    {
        var endpoint = Choose();
        if (endpoint.Breaker is null)
        {
            return await send(endpoint.Uri, cancellationToken);
        }

        try
        {
            return await endpoint.Breaker.ExecuteAsync(
                static (state, token) => state.send(state.Uri, token),
                (send, endpoint.Uri),
                cancellationToken);
        }
        catch (BrokenCircuitException e)
        {
            throw new StorageException(StorageErrorCode.NetworkError,
                $"Every replica of the Atomiton Cloud failed to answer recently ({_endpoints.Length} endpoints: option 'endpoint' and 'replicas'); none is tried until the first is due back in {e.RetryAfter?.TotalMilliseconds ?? 0:0} ms.", e)
            {
                Key = key,
                Provider = CloudProvider.TypeName,
                IsTransient = true,
                RetryAfter = e.RetryAfter,
            };
        }
    }

    /// <summary>Whether a failure says the replica itself did not answer (so another one should be tried).</summary>
    public static bool IsReplicaFailure(Exception? e) =>
        e is StorageException { IsTransient: true } storage && storage.Code is StorageErrorCode.NetworkError or StorageErrorCode.Timeout;

    /// <summary>
    /// The next in turn among the endpoints whose circuit is closed or half-open, so the healthy ones share
    /// the load evenly; the next in turn of all when none is.
    /// </summary>
    private Endpoint Choose()
    {
        if (_endpoints.Length == 1)
        {
            return _endpoints[0];
        }

        int turn = Interlocked.Increment(ref _next) & int.MaxValue;
        Span<int> available = stackalloc int[_endpoints.Length];
        int count = 0;
        for (int i = 0; i < _endpoints.Length; i++)
        {
            if (_endpoints[i].State!.CircuitState is not (CircuitState.Open or CircuitState.Isolated))
            {
                available[count++] = i;
            }
        }

        return count == 0 ? _endpoints[turn % _endpoints.Length] : _endpoints[available[turn % count]];
    }

    private static Endpoint BuildEndpoint(Uri uri, TimeProvider time)
    {
        var state = new CircuitBreakerStateProvider();
        var breaker = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = FailuresToBreak,
                SamplingDuration = SamplingDuration,
                BreakDuration = BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsReplicaFailure(args.Outcome.Exception)),
                StateProvider = state,
            })
            .Build();
        return new Endpoint(uri, breaker, state);
    }

    private sealed record Endpoint(Uri Uri, ResiliencePipeline? Breaker, CircuitBreakerStateProvider? State);
}
