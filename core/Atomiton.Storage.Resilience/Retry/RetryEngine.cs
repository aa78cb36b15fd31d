using Atomiton.Storage.Providers;
using Polly;
using Polly.Retry;

namespace Atomiton.Storage.Resilience.Retry;

/// <summary>
/// The <c>retry</c> stage: repeats a call that failed with a transient error (see
/// <see cref="TransientFailure"/>) with exponential back-off and jitter on the injected clock,
/// waits out a rate-limited error's retry-after hint, and never repeats a call that is unsafe to
/// repeat (see <see cref="RetryWrites"/>). When it gives up on a transient error, the caller gets
/// it as persistent (<see cref="StorageException.AsPersistent"/>: not transient any more, with the
/// number of attempts in its message), so stacked retry or failover stages do not multiply attempts.
/// </summary>
public sealed class RetryEngine : ResilienceStorageEngine
{
    /// <summary>The engine and provider type name, <c>retry</c>.</summary>
    public const string TypeName = "retry";

    private readonly RetryOptions _options;
    private readonly ResiliencePipeline _pipeline;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The engine whose calls are retried.</param>
    /// <param name="options">Attempts, delays and the write rule.</param>
    /// <param name="timeProvider">The clock back-off waits on; null for the system clock.</param>
    /// <param name="logger">Where each retry is logged (operation, key, error code, delay); null for nowhere.</param>
    /// <param name="ownsInner">Whether disposing this stage disposes <paramref name="inner"/>.</param>
    public RetryEngine(IStorageEngine inner, RetryOptions? options = null, TimeProvider? timeProvider = null, IStorageLogger? logger = null, bool ownsInner = true)
        : base(inner, ownsInner)
    {
        _options = options ?? new RetryOptions();
        logger ??= NullStorageLogger.Instance;
        var random = _options.Seed is { } seed ? new Random(seed) : new Random();
        var maxRetryAfter = _options.MaxRetryAfter;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider ?? TimeProvider.System }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = _options.UseJitter,
                Delay = _options.BaseDelay,
                MaxDelay = _options.MaxDelay,
                Randomizer = () =>
                {
                    lock (random)
                    {
                        return random.NextDouble();
                    }
                },
                ShouldHandle = args => ValueTask.FromResult(
                    TransientFailure.Is(args.Outcome.Exception)
                    && !(((StorageException)args.Outcome.Exception!).RetryAfter > maxRetryAfter)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is StorageException { RetryAfter: { } hint } ? hint : (TimeSpan?)null),
                OnRetry = args =>
                {
                    if (logger.IsEnabled(StorageLogLevel.Warning) && args.Outcome.Exception is StorageException e)
                    {
                        logger.Log(StorageLogLevel.Warning, $"Retrying {e.Operation} of key '{e.Key}' after {e.Code} (attempt {args.AttemptNumber + 2} of {_options.MaxRetryAttempts + 1}, waiting {args.RetryDelay.TotalMilliseconds:0} ms).");
                    }

                    return default;
                },
            })
            .Build();
    }

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <inheritdoc />
    protected override async ValueTask<T> ExecuteAsync<T>(string operation, string? key, bool canRepeat, Func<CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken)
    {
        if (!canRepeat)
        {
            return await action(cancellationToken);
        }

        var attempts = new AttemptLog();
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (state, ct) =>
                {
                    state.Attempts.Count++;
                    try
                    {
                        return await state.Action(ct);
                    }
                    catch (Exception e) when (TransientFailure.Is(e))
                    {
                        state.Attempts.EarlierTransient = (StorageException)e;
                        throw;
                    }
                },
                (Action: action, Attempts: attempts),
                cancellationToken);
        }
        catch (StorageException e) when (attempts.Count > 1)
        {
            throw GaveUp(e, attempts);
        }
    }

    /// <summary>Applies <see cref="RetryOptions.Writes"/>: see <see cref="RetryWrites"/>.</summary>
    protected override bool CanRepeatWrite(string operation, WriteConditionKind condition) => _options.Writes switch
    {
        RetryWrites.Never => false,
        RetryWrites.ConditionalOnly => condition != WriteConditionKind.None && operation != StorageOperation.Move,
        _ => operation != StorageOperation.Move,
    };

    private static StorageException GaveUp(StorageException last, AttemptLog attempts)
    {
        if (TransientFailure.Is(last))
        {
            // OpenDAL's "persistent": the failure outlived this stage's attempts, so a retry or
            // failover stage above must not repeat it again (attempts would multiply).
            return last.AsPersistent(attempts.Count);
        }

        string note = last.Code == StorageErrorCode.Conflict && attempts.EarlierTransient is { } earlier
            ? $" An earlier attempt failed with {earlier.Code} and may have been applied: load the object to check before writing again."
            : "";
        return new StorageException(last.Code, $"{last.Message} The retry stage gave up after {attempts.Count} attempts.{note}", last)
        {
            IsTransient = last.IsTransient,
            IsPersistent = last.IsPersistent,
            Provider = last.Provider,
            Operation = last.Operation,
            Key = last.Key,
            RetryAfter = last.RetryAfter,
            CursorTrust = last.CursorTrust,
        };
    }

    private sealed class AttemptLog
    {
        public int Count { get; set; }

        public StorageException? EarlierTransient { get; set; }
    }
}
