using Atomiton.Storage;

namespace Atomiton.Storage.Tests.Support;

/// <summary>A pass-through wrapper that counts inner calls and can hold loads at a gate (no mocking library needed).</summary>
internal sealed class CountingEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
{
    private int _loads;
    private int _conditionalLoads;
    private int _stats;

    public override string EngineType => "counting";

    public int Loads => Volatile.Read(ref _loads);

    public int ConditionalLoads => Volatile.Read(ref _conditionalLoads);

    public int Stats => Volatile.Read(ref _stats);

    /// <summary>When set, loads signal <see cref="LoadStarted"/> and wait for this before reaching the inner engine.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public TaskCompletionSource LoadStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, loads read from the inner engine, signal <see cref="ReadDone"/>, then wait for this before returning.</summary>
    public TaskCompletionSource? GateAfterRead { get; set; }

    public TaskCompletionSource ReadDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _loads);
        if (options.IfNoneMatch is not null)
        {
            Interlocked.Increment(ref _conditionalLoads);
        }

        LoadStarted.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        var result = await base.OpenReadCoreAsync(key, options, cancellationToken);
        if (GateAfterRead is { } after)
        {
            ReadDone.TrySetResult();
            await after.Task.WaitAsync(cancellationToken);
        }

        return result;
    }

    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _stats);
        return base.StatCoreAsync(key, cancellationToken);
    }
}
