using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Atomiton.Storage.Cloud.Wire;
using Atomiton.Storage.Providers;
using Polly;
using Polly.Retry;

namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>
/// Sends requests to the server with the API key, retrying transient failures (connection errors,
/// timeouts, 429 and 502–504) on Polly with exponential back-off and jitter, waiting exactly as
/// long as a Retry-After header asks, until <see cref="CloudOptions.RetryBudget"/> has passed since
/// the operation's first failure (on the context's clock). Every failure leaves as a
/// <see cref="StorageException"/>; one that outlasted the budget says so.
/// </summary>
internal sealed class CloudTransport : IDisposable
{
    private readonly HttpClient _client;
    private static readonly ResiliencePropertyKey<long> FirstFailureKey = new("atomiton.cloud.first-failure");
    private static readonly ResiliencePropertyKey<bool> BudgetSpentKey = new("atomiton.cloud.budget-spent");

    private readonly ResiliencePipeline _retry;
    private readonly TimeSpan _budget;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly CloudEndpoints _endpoints;

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
        _budget = options.RetryBudget;
        _retry = BuildRetry(options, context);
        _endpoints = new CloudEndpoints([BaseAddress, .. options.Replicas.Select(r => new Uri(r.EndsWith('/') ? r : r + "/", UriKind.Absolute))], _time);
    }

    /// <summary>The replicas requests are spread over (the endpoint first).</summary>
    public int EndpointCount => _endpoints.Count;

    public Uri BaseAddress { get; }

    /// <summary>The context's clock (timeouts and retry delays run on it).</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>
    /// Sends the request <paramref name="build"/> makes (once per attempt) and returns a successful
    /// response, headers read; the caller disposes it. Non-success statuses become errors, and
    /// transient ones are retried.
    /// </summary>
    public ValueTask<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, string? key, CancellationToken cancellationToken) =>
        RetryAsync(token => SendOnceAsync(build(), key, token), cancellationToken);

    /// <summary>Runs <paramref name="operation"/> under the retry policy (for multi-request steps such as resuming a chunk).</summary>
    public async ValueTask<T> RetryAsync<T>(Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        var attempts = new StrongBox<int>();
        try
        {
            return await _retry.ExecuteAsync(
                static (context, state) =>
                {
                    state.Attempts.Value++;
                    return state.Operation(context.CancellationToken);
                },
                context,
                (Operation: operation, Attempts: attempts));
        }
        catch (StorageException e) when (context.Properties.TryGetValue(BudgetSpentKey, out bool spent) && spent)
        {
            var error = new StorageException(e.Code, $"{e.Message} Gave up after retrying for {Describe(_budget)} (option 'retryBudget').", e)
            {
                Key = e.Key,
                Provider = e.Provider,
                Operation = e.Operation,
                IsTransient = e.IsTransient,
                RetryAfter = e.RetryAfter,
            };
            throw error.IsTransient ? error.AsPersistent(attempts.Value) : error;
        }
        catch (StorageException e) when (e.IsTransient && attempts.Value > 1)
        {
            // The transport retried and gave up: persistent, so a retry stage above does not multiply attempts.
            throw e.AsPersistent(attempts.Value);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Like <see cref="SendAsync"/>, then reads the JSON body as <typeparamref name="T"/>.</summary>
    public async ValueTask<T> SendJsonAsync<T>(Func<HttpRequestMessage> build, string? key, CancellationToken cancellationToken)
    {
        return await RetryAsync(async token =>
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

    /// <summary>Sends once, without retries (for best-effort clean-up), to the next replica in turn (<see cref="CloudEndpoints"/>).</summary>
    public async ValueTask<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, string? key, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = _authorization;
        try
        {
            return await _endpoints.SendAsync((endpoint, token) => SendToAsync(endpoint, request, key, token), key, cancellationToken);
        }
        finally
        {
            // Also when every circuit was open and the request was never sent.
            request.Dispose();
        }
    }

    private async ValueTask<HttpResponseMessage> SendToAsync(Uri endpoint, HttpRequestMessage request, string? key, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: false } relative)
        {
            request.RequestUri = new Uri(endpoint, relative);
        }

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
            // A replica that answers it cannot serve now (its database or storage is unreachable) counts
            // against its circuit, as one that does not answer at all (CloudEndpoints.IsReplicaFailure).
            throw await CloudErrors.FromResponseAsync(response, key, cancellationToken);
        }
    }

    public void Dispose() => _client.Dispose();

    private static ResiliencePipeline BuildRetry(CloudOptions options, StorageProviderContext context)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = context.TimeProvider };
        if (options.MaxRetries == 0 || options.RetryBudget <= TimeSpan.Zero)
        {
            return builder.Build();
        }

        var time = context.TimeProvider;
        var budget = options.RetryBudget;
        return builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetries ?? int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryDelay,
            MaxDelay = TimeSpan.FromSeconds(30),
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is StorageException { IsTransient: true } && WithinBudget(args.Context, time, budget)),
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

    /// <summary>Whether the operation of <paramref name="context"/> is still within its budget, counted from its first failure; marks it spent when not.</summary>
    private static bool WithinBudget(ResilienceContext context, TimeProvider time, TimeSpan budget)
    {
        long now = time.GetTimestamp();
        if (!context.Properties.TryGetValue(FirstFailureKey, out long first))
        {
            context.Properties.Set(FirstFailureKey, now);
            first = now;
        }

        if (time.GetElapsedTime(first, now) < budget)
        {
            return true;
        }

        context.Properties.Set(BudgetSpentKey, true);
        return false;
    }

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes >= 1 && span.Seconds == 0
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.##} min")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s");
}
