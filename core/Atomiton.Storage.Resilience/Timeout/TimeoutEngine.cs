using Polly;
using Polly.Timeout;

namespace Atomiton.Storage.Resilience.Timeout;

/// <summary>
/// The <c>timeout</c> stage: cancels a call to the engine beneath it that exceeds
/// <see cref="TimeoutOptions.TimeoutMilliseconds"/> on the injected clock, and reports it as a
/// transient <see cref="StorageErrorCode.Timeout"/> (so a <c>retry</c> stage above may repeat it).
/// The engine beneath must honour cancellation; a cancelled save writes nothing.
/// </summary>
public sealed class TimeoutEngine : ResilienceStorageEngine
{
    /// <summary>The engine and provider type name, <c>timeout</c>.</summary>
    public const string TypeName = "timeout";

    private readonly ResiliencePipeline _pipeline;
    private readonly TimeSpan _timeout;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The engine whose calls are timed.</param>
    /// <param name="options">The time budget.</param>
    /// <param name="timeProvider">The clock; null for the system clock.</param>
    /// <param name="ownsInner">Whether disposing this stage disposes <paramref name="inner"/>.</param>
    public TimeoutEngine(IStorageEngine inner, TimeoutOptions? options = null, TimeProvider? timeProvider = null, bool ownsInner = true)
        : base(inner, ownsInner)
    {
        _timeout = TimeSpan.FromMilliseconds((options ?? new TimeoutOptions()).TimeoutMilliseconds);
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider ?? TimeProvider.System }.AddTimeout(_timeout).Build();
    }

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <inheritdoc />
    protected override async ValueTask<T> ExecuteAsync<T>(string operation, string? key, bool canRepeat, Func<CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(static (action, ct) => action(ct), action, cancellationToken);
        }
        catch (TimeoutRejectedException e)
        {
            var target = key is null ? "" : $" of key '{key}'";
            throw new StorageException(StorageErrorCode.Timeout,
                $"The {operation}{target} did not finish within {_timeout.TotalMilliseconds:0} ms (stage 'timeout', option TimeoutMilliseconds) and was cancelled. Retry it, or raise TimeoutMilliseconds if the backend is slow.", e)
            { Provider = TypeName, Operation = operation, Key = key };
        }
    }
}
