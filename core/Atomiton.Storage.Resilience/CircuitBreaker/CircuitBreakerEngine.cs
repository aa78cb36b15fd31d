using Polly;
using Polly.CircuitBreaker;

namespace Atomiton.Storage.Resilience.CircuitBreaker;

/// <summary>
/// The <c>circuit-breaker</c> stage: after too many transient failures of the engine beneath it
/// (persistent ones, from a retry stage beneath that gave up, count too)
/// (see <see cref="CircuitBreakerOptions"/>), refuses calls at once for a break, then lets a probe
/// through. A refused call fails with a transient <see cref="StorageErrorCode.NetworkError"/> whose
/// <see cref="StorageException.RetryAfter"/> is the rest of the break. Answers such as NotFound or
/// Conflict never count as failures.
/// </summary>
public sealed class CircuitBreakerEngine : ResilienceStorageEngine
{
    /// <summary>The engine and provider type name, <c>circuit-breaker</c>.</summary>
    public const string TypeName = "circuit-breaker";

    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The engine whose failures are watched.</param>
    /// <param name="options">Thresholds and durations.</param>
    /// <param name="timeProvider">The clock; null for the system clock.</param>
    /// <param name="ownsInner">Whether disposing this stage disposes <paramref name="inner"/>.</param>
    public CircuitBreakerEngine(IStorageEngine inner, CircuitBreakerOptions? options = null, TimeProvider? timeProvider = null, bool ownsInner = true)
        : base(inner, ownsInner)
    {
        options ??= new CircuitBreakerOptions();
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider ?? TimeProvider.System }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(TransientFailure.IsBackendFailure(args.Outcome.Exception)),
                StateProvider = _state,
            })
            .Build();
    }

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <summary>The circuit's state now.</summary>
    public CircuitStatus Status => _state.CircuitState switch
    {
        CircuitState.Closed => CircuitStatus.Closed,
        CircuitState.HalfOpen => CircuitStatus.HalfOpen,
        _ => CircuitStatus.Open,
    };

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> InfoDetails => new Dictionary<string, string>
    {
        ["circuit"] = Status.ToString(),
        [StorageHealthDetails.Status] = Status == CircuitStatus.Closed ? StorageHealthDetails.Healthy : StorageHealthDetails.Degraded,
    };

    /// <inheritdoc />
    protected override async ValueTask<T> ExecuteAsync<T>(string operation, string? key, bool canRepeat, Func<CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(static (action, ct) => action(ct), action, cancellationToken);
        }
        catch (BrokenCircuitException e)
        {
            var target = key is null ? "" : $" of key '{key}'";
            throw new StorageException(StorageErrorCode.NetworkError,
                $"The {operation}{target} was refused: the circuit of stage 'circuit-breaker' is open after repeated failures of the '{Inner.EngineType}' engine. Retry after {e.RetryAfter?.TotalMilliseconds ?? 0:0} ms.", e)
            { Provider = TypeName, Operation = operation, Key = key, RetryAfter = e.RetryAfter };
        }
    }
}
