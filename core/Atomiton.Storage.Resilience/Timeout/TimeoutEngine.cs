namespace Atomiton.Storage.Resilience.Timeout;

/// <summary>
/// The <c>timeout</c> stage (OpenDAL's <c>timeout</c> / <c>io_timeout</c>): cancels a call to the
/// engine beneath it that exceeds <see cref="TimeoutOptions.Timeout"/>, and a transfer whose step
/// exceeds <see cref="TimeoutOptions.IoTimeout"/> — each read of a loaded stream, the time between
/// two reads of a save's content, each step of a listing — on the injected clock. A transfer of any
/// size succeeds while it makes progress. Either is reported as a transient
/// <see cref="StorageErrorCode.Timeout"/> naming the stage, the option and the operation (so a
/// <c>retry</c> stage above may repeat it). The engine beneath must honour cancellation; a cancelled
/// save writes nothing.
/// </summary>
public sealed class TimeoutEngine : ResilienceStorageEngine
{
    /// <summary>The engine and provider type name, <c>timeout</c>.</summary>
    public const string TypeName = "timeout";

    private readonly TimeProvider _time;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The engine whose calls are timed.</param>
    /// <param name="options">The time budgets.</param>
    /// <param name="timeProvider">The clock; null for the system clock.</param>
    /// <param name="ownsInner">Whether disposing this stage disposes <paramref name="inner"/>.</param>
    public TimeoutEngine(IStorageEngine inner, TimeoutOptions? options = null, TimeProvider? timeProvider = null, bool ownsInner = true)
        : base(inner, ownsInner)
    {
        options ??= new TimeoutOptions();
        CallTimeout = options.Timeout;
        IoTimeout = options.IoTimeout;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <summary>The budget of one call (<see cref="TimeoutOptions.Timeout"/>).</summary>
    internal TimeSpan CallTimeout { get; }

    /// <summary>The budget of one transfer step (<see cref="TimeoutOptions.IoTimeout"/>).</summary>
    internal TimeSpan IoTimeout { get; }

    /// <inheritdoc />
    protected override async ValueTask<T> ExecuteAsync<T>(string operation, string? key, bool canRepeat, Func<CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken)
    {
        bool step = operation == StorageOperation.List;
        using var timer = new CancellationTokenSource(step ? IoTimeout : CallTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await action(linked.Token);
        }
        catch (Exception e) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested && e is OperationCanceledException or StorageException)
        {
            throw step ? Stalled(operation, key, e) : TimedOut(operation, key, e);
        }
    }

    /// <summary>
    /// Saves under a watchdog: the call budget until the engine first reads the content, the step
    /// budget between two reads, and the call budget again from the end of the content until the
    /// object is stored.
    /// </summary>
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        using var watchdog = new TransferWatchdog(_time, CallTimeout, IoTimeout, cancellationToken);
        await using var source = new WatchedSourceStream(content, watchdog);
        try
        {
            return await Inner.SaveAsync(key, source, options, watchdog.Token);
        }
        catch (Exception e) when (watchdog.Fired && !cancellationToken.IsCancellationRequested && e is OperationCanceledException or StorageException)
        {
            throw watchdog.FiredBetweenReads ? Stalled(StorageOperation.Save, key, e) : TimedOut(StorageOperation.Save, key, e);
        }
    }

    /// <summary>Opens under the call budget, then times each read of the content with the step budget.</summary>
    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var result = await base.OpenReadCoreAsync(key, options, cancellationToken);
        return result.NotModified ? result : new StorageReadResult(result.Item, new StepTimedReadStream(result.Content, this, _time, key));
    }

    /// <summary>The error for a call past <see cref="CallTimeout"/>.</summary>
    internal StorageException TimedOut(string operation, string? key, Exception cause)
    {
        var target = key is null ? "" : $" of key '{key}'";
        return new StorageException(StorageErrorCode.Timeout,
            $"The {operation}{target} did not finish within {DurationText.Describe(CallTimeout)} (stage 'timeout', option 'timeout') and was cancelled. Retry it, or raise 'timeout' if the backend is slow.", cause)
        { Provider = TypeName, Operation = operation, Key = key };
    }

    /// <summary>The error for a transfer step past <see cref="IoTimeout"/>.</summary>
    internal StorageException Stalled(string operation, string? key, Exception cause)
    {
        var target = key is null ? "" : $" of key '{key}'";
        return new StorageException(StorageErrorCode.Timeout,
            $"The {operation}{target} made no progress for {DurationText.Describe(IoTimeout)} (stage 'timeout', option 'ioTimeout', the budget of one read or write step) and was cancelled. Retry it, or raise 'ioTimeout' if the backend is slow.", cause)
        { Provider = TypeName, Operation = operation, Key = key };
    }
}
