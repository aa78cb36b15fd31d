using System.Net.Http.Headers;
using System.Text.Json;
using Atomiton.Storage.Cloud.Wire;
using Atomiton.Storage.Providers;
using Polly;
using Polly.Retry;

namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>
/// Sends requests to the server with the API key, retrying transient failures (connection errors,
/// timeouts, 429 and 502–504) on Polly with exponential back-off and jitter, waiting exactly as
/// long as a Retry-After header asks. Every failure leaves as a <see cref="StorageException"/>.
/// </summary>
internal sealed class CloudTransport : IDisposable
{
    private readonly HttpClient _client;
    private readonly ResiliencePipeline _retry;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public CloudTransport(CloudOptions options, StorageProviderContext context, HttpMessageHandler? handler = null)
    {
        var endpoint = options.Endpoint!.EndsWith('/') ? options.Endpoint : options.Endpoint + "/";
        BaseAddress = new Uri(endpoint, UriKind.Absolute);
        _authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        _timeout = options.RequestTimeout;
        _time = context.TimeProvider;
        _client = new HttpClient(handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxResponseHeadersLength = 128,
            ConnectTimeout = TimeSpan.FromSeconds(15),
        })
        {
            BaseAddress = BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _retry = BuildRetry(options, context);
    }

    public Uri BaseAddress { get; }

    /// <summary>
    /// Sends the request <paramref name="build"/> makes (once per attempt) and returns a successful
    /// response, headers read; the caller disposes it. Non-success statuses become errors, and
    /// transient ones are retried.
    /// </summary>
    public ValueTask<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, string? key, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(async token => await SendOnceAsync(build(), key, token), cancellationToken);

    /// <summary>Runs <paramref name="operation"/> under the retry policy (for multi-request steps such as resuming a chunk).</summary>
    public ValueTask<T> RetryAsync<T>(Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(async token => await operation(token), cancellationToken);

    /// <summary>Like <see cref="SendAsync"/>, then reads the JSON body as <typeparamref name="T"/>.</summary>
    public async ValueTask<T> SendJsonAsync<T>(Func<HttpRequestMessage> build, string? key, CancellationToken cancellationToken)
    {
        return await _retry.ExecuteAsync(async token =>
        {
            using var response = await SendOnceAsync(build(), key, token);
            try
            {
                return await response.Content.ReadFromJsonOrThrowAsync<T>(token);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                throw CloudErrors.Network(key, e);
            }
        }, cancellationToken);
    }

    /// <summary>Sends once, without retries (for best-effort clean-up).</summary>
    public async ValueTask<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, string? key, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = _authorization;
        // On the context's clock, like the retry delays.
        using var timer = new CancellationTokenSource(_timeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw CloudErrors.Timeout(key, _timeout, e);
        }
        catch (HttpRequestException e)
        {
            throw CloudErrors.Network(key, e);
        }
        finally
        {
            request.Dispose();
        }

        if (response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.NotModified)
        {
            return response;
        }

        using (response)
        {
            throw await CloudErrors.FromResponseAsync(response, key, cancellationToken);
        }
    }

    public void Dispose() => _client.Dispose();

    private static ResiliencePipeline BuildRetry(CloudOptions options, StorageProviderContext context)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = context.TimeProvider };
        if (options.MaxRetries == 0)
        {
            return builder.Build();
        }

        return builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryDelay,
            MaxDelay = TimeSpan.FromSeconds(30),
            ShouldHandle = new PredicateBuilder().Handle<StorageException>(e => e.IsTransient),
            DelayGenerator = static args => ValueTask.FromResult(
                args.Outcome.Exception is StorageException { RetryAfter: { } after } ? (TimeSpan?)after : null),
            OnRetry = args =>
            {
                if (context.Logger.IsEnabled(StorageLogLevel.Warning) && args.Outcome.Exception is StorageException e)
                {
                    context.Logger.Log(StorageLogLevel.Warning,
                        $"cloud: attempt {args.AttemptNumber + 1} failed with {e.Code} (stage '{context.StageName}' of pipeline '{context.PipelineName}'); retrying in {args.RetryDelay.TotalMilliseconds:0} ms.");
                }

                return ValueTask.CompletedTask;
            },
        }).Build();
    }
}
