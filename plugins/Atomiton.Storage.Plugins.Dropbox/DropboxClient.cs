using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.RateLimiting;
using Atomiton.Storage.Plugins.Dropbox.Wire;
using Atomiton.Storage.Providers;
using Polly;
using Polly.Retry;

namespace Atomiton.Storage.Plugins.Dropbox;

/// <summary>
/// A typed client for the Dropbox API v2 routes the engine uses: RPC calls (JSON body) on the API
/// host, content calls on the content host (argument in <c>Dropbox-API-Arg</c>, ASCII with
/// <c>\uXXXX</c> escapes; download metadata in <c>Dropbox-API-Result</c>), the long poll on the
/// notify host (no token, as Dropbox asks). Every request carries a bearer token; a 401
/// <c>expired_access_token</c> refreshes it once and repeats the request. Transient failures
/// (connection errors, timeouts, 429 with Retry-After, 5xx, <c>too_many_write_operations</c>) are
/// retried on Polly within <see cref="DropboxOptions.RetryBudget"/>. Namespace writes are
/// serialised (Dropbox locks the namespace per write), and requests are paced by
/// <see cref="DropboxOptions.RequestsPerSecond"/>.
/// </summary>
internal sealed class DropboxClient : IDisposable
{
    private static readonly ResiliencePropertyKey<long> FirstFailureKey = new("atomiton.dropbox.first-failure");
    private readonly HttpClient _http;
    private readonly DropboxAuthorizer _auth;
    private readonly ResiliencePipeline _retry;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly RateLimiter? _pace;
    private readonly Uri _api;
    private readonly Uri _content;
    private readonly Uri _notify;
    private long _requests;

    public DropboxClient(DropboxOptions options, StorageProviderContext context, DropboxAuthorizer auth, HttpMessageHandler? handler = null)
    {
        _api = Slash(options.ApiAddress);
        _content = Slash(options.ContentAddress);
        _notify = Slash(options.NotifyAddress);
        _auth = auth;
        _timeout = options.RequestTimeout;
        _time = context.TimeProvider;
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        }, disposeHandler: handler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _retry = BuildRetry(options, context);
        if (options.RequestsPerSecond is { } rate)
        {
            int burst = Math.Max(1, (int)Math.Ceiling(rate));
            _pace = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = burst,
                ReplenishmentPeriod = TimeSpan.FromSeconds(burst / rate),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }
    }

    /// <summary>HTTP requests sent (attempts included), for request-count tests and benchmarks.</summary>
    public long RequestCount => Interlocked.Read(ref _requests);

    public TimeProvider TimeProvider => _time;

    /// <summary>Calls an RPC route with a JSON argument and reads its JSON result.</summary>
    public ValueTask<TResult> RpcAsync<TArg, TResult>(string route, TArg arg, JsonTypeInfo<TArg> argType, JsonTypeInfo<TResult> resultType, string? key, bool write, CancellationToken cancellationToken) =>
        RetryAsync(async token =>
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, new Uri(_api, "2/" + route))
            {
                Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(arg, argType)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            }, route, key, write, token);
            return await ReadJsonAsync(response, resultType, route, key, token);
        }, cancellationToken);

    /// <summary>Calls an RPC route without arguments (no body, no content type, as Dropbox asks).</summary>
    public ValueTask<TResult> RpcAsync<TResult>(string route, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken) =>
        RetryAsync(async token =>
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, new Uri(_api, "2/" + route)), route, null, write: false, token);
            return await ReadJsonAsync(response, resultType, route, null, token);
        }, cancellationToken);

    /// <summary>Calls an RPC route without arguments whose result is <c>null</c> (such as <c>auth/token/revoke</c>).</summary>
    public ValueTask<bool> RpcNoResultAsync(string route, CancellationToken cancellationToken) =>
        RetryAsync(async token =>
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, new Uri(_api, "2/" + route)), route, null, write: false, token);
            return true;
        }, cancellationToken);

    /// <summary>Sends a content-upload request once (the caller retries: a chunk may need Dropbox's offset first).</summary>
    public async ValueTask<TResult> UploadOnceAsync<TArg, TResult>(string route, TArg arg, JsonTypeInfo<TArg> argType, ReadOnlyMemory<byte> body, JsonTypeInfo<TResult> resultType, string? key, bool write, CancellationToken cancellationToken)
    {
        string header = JsonSerializer.Serialize(arg, argType);
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_content, "2/" + route))
            {
                Content = new ReadOnlyMemoryContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
            };
            request.Headers.TryAddWithoutValidation("Dropbox-API-Arg", header);
            return request;
        }, route, key, write, cancellationToken);
        return await ReadJsonAsync(response, resultType, route, key, cancellationToken);
    }

    /// <summary>Sends a content-upload request whose result is <c>null</c> (such as <c>append_v2</c>) once.</summary>
    public async ValueTask UploadOnceAsync<TArg>(string route, TArg arg, JsonTypeInfo<TArg> argType, ReadOnlyMemory<byte> body, string? key, CancellationToken cancellationToken)
    {
        string header = JsonSerializer.Serialize(arg, argType);
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_content, "2/" + route))
            {
                Content = new ReadOnlyMemoryContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
            };
            request.Headers.TryAddWithoutValidation("Dropbox-API-Arg", header);
            return request;
        }, route, key, write: false, cancellationToken);
    }

    /// <summary>Starts a download (<c>files/download</c>), optionally ranged; the caller disposes the response.</summary>
    public ValueTask<HttpResponseMessage> DownloadAsync(string path, string? range, string key, CancellationToken cancellationToken)
    {
        string header = JsonSerializer.Serialize(new WirePath(path), DropboxJsonContext.Default.WirePath);
        return RetryAsync(token => SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_content, "2/files/download"));
            request.Headers.TryAddWithoutValidation("Dropbox-API-Arg", header);
            if (range is not null)
            {
                request.Headers.TryAddWithoutValidation("Range", range);
            }

            return request;
        }, "files/download", key, write: false, token), cancellationToken);
    }

    /// <summary>Long-polls the notify host for changes after <paramref name="cursor"/> (30–480 s; no token).</summary>
    public async ValueTask<WireLongPollResult> LongPollAsync(string cursor, int timeoutSeconds, CancellationToken cancellationToken)
    {
        const string route = "files/list_folder/longpoll";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_notify, "2/" + route))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new WireLongPollArg(cursor, timeoutSeconds), DropboxJsonContext.Default.WireLongPollArg))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
        };
        Interlocked.Increment(ref _requests);
        HttpResponseMessage response;
        try
        {
            // Dropbox answers within timeout + up to 90 s of jitter.
            using var timer = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds + 120), _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
        }
        catch (HttpRequestException e)
        {
            throw DropboxErrors.Network(null, route, e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await DropboxErrors.FromResponseAsync(response, null, route, cancellationToken);
            }

            return await ReadJsonAsync(response, DropboxJsonContext.Default.WireLongPollResult, route, null, cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="operation"/> under the retry policy.</summary>
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
        catch (StorageException e) when (e.IsTransient && attempts.Value > 1)
        {
            throw e.AsPersistent(attempts.Value);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Sends one request (built afresh per attempt) with a bearer token and returns a successful
    /// response, headers read. A 401 <c>expired_access_token</c> refreshes the token and repeats
    /// the request once; other failures become <see cref="StorageException"/>s.
    /// </summary>
    public async ValueTask<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, string route, string? key, bool write, CancellationToken cancellationToken)
    {
        string token = await _auth.TokenAsync(cancellationToken);
        bool refreshed = false;
        if (write)
        {
            await _writes.WaitAsync(cancellationToken);
        }

        try
        {
            while (true)
            {
                var response = await SendWithTokenAsync(build(), token, route, key, cancellationToken);
                if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.PartialContent)
                {
                    return response;
                }

                using (response)
                {
                    var error = await DropboxErrors.FromResponseAsync(response, key, route, cancellationToken);
                    if (response.StatusCode == HttpStatusCode.Unauthorized && DropboxErrors.TagsOf(error) == "expired_access_token" && !refreshed
                        && await _auth.RefreshAsync(token, cancellationToken) is { } fresh)
                    {
                        token = fresh;
                        refreshed = true;
                        continue;
                    }

                    throw error;
                }
            }
        }
        finally
        {
            if (write)
            {
                _writes.Release();
            }
        }
    }

    private async ValueTask<HttpResponseMessage> SendWithTokenAsync(HttpRequestMessage request, string token, string route, string? key, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (_pace is not null)
        {
            using var lease = await _pace.AcquireAsync(1, cancellationToken);
        }

        Interlocked.Increment(ref _requests);
        using var timer = new CancellationTokenSource(_timeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw DropboxErrors.Timeout(key, route, _timeout, e);
        }
        catch (HttpRequestException e)
        {
            throw DropboxErrors.Network(key, route, e);
        }
        finally
        {
            request.Dispose();
        }
    }

    private static async ValueTask<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string route, string? key, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync(stream, type, cancellationToken)
                ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new StorageException(StorageErrorCode.SerializationError, $"Dropbox's answer to {route}{(key is null ? "" : $" for key '{key}'")} is not the JSON this plugin expects ({e.Message}). Check that apiAddress and contentAddress point at Dropbox.", e)
            { Key = key, Provider = DropboxProvider.TypeName };
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw DropboxErrors.Network(key, route, e);
        }
    }

    /// <summary>The metadata of a download, from <c>Dropbox-API-Result</c>.</summary>
    public static WireMetadata ResultOf(HttpResponseMessage response, string key)
    {
        if (response.Headers.TryGetValues("Dropbox-API-Result", out var values))
        {
            try
            {
                return JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(values.First()), DropboxJsonContext.Default.WireMetadata)!;
            }
            catch (JsonException)
            {
            }
        }

        throw new StorageException(StorageErrorCode.SerializationError, $"Dropbox's download of key '{key}' lacks a valid Dropbox-API-Result header. Check that contentAddress points at Dropbox.")
        { Key = key, Provider = DropboxProvider.TypeName };
    }

    public void Dispose()
    {
        _http.Dispose();
        _writes.Dispose();
        _pace?.Dispose();
        _auth.Dispose();
    }

    private static Uri Slash(string address) => new(address.EndsWith('/') ? address : address + "/", UriKind.Absolute);

    private static ResiliencePipeline BuildRetry(DropboxOptions options, StorageProviderContext context)
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
            DelayGenerator = static args => ValueTask.FromResult(args.Outcome.Exception is StorageException { RetryAfter: { } after } ? (TimeSpan?)after : null),
            OnRetry = args =>
            {
                if (context.Logger.IsEnabled(StorageLogLevel.Warning) && args.Outcome.Exception is StorageException e)
                {
                    context.Logger.Log(StorageLogLevel.Warning,
                        $"dropbox: attempt {args.AttemptNumber + 1} failed with {e.Code} {DropboxErrors.TagsOf(e)} (stage '{context.StageName}' of pipeline '{context.PipelineName}'); retrying in {args.RetryDelay.TotalMilliseconds:0} ms.");
                }

                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    private static bool WithinBudget(ResilienceContext context, TimeProvider time, TimeSpan budget)
    {
        long now = time.GetTimestamp();
        if (!context.Properties.TryGetValue(FirstFailureKey, out long first))
        {
            context.Properties.Set(FirstFailureKey, now);
            first = now;
        }

        return time.GetElapsedTime(first, now) < budget;
    }
}
