using System.Globalization;
using System.Runtime.CompilerServices;
using Atomiton.Storage.Memory;

namespace Atomiton.Storage.Mock;

/// <summary>
/// The <c>mock</c> engine (and the <c>chaos</c> wrapper): forwards every operation to an inner
/// engine after a configurable latency, and fails calls on purpose — at a random transient
/// <see cref="MockOptions.FailureRate"/>, by scripted <see cref="Faults"/>, or with QuotaExceeded
/// beyond <see cref="MockOptions.QuotaBytes"/>. It counts every call in <see cref="Calls"/>.
/// With no options it behaves exactly like its inner engine.
/// </summary>
/// <remarks>
/// <para>Latency waits on the injected <see cref="TimeProvider"/>, so tests with a fake clock advance
/// time instead of sleeping. Random draws come from one generator seeded with
/// <see cref="MockOptions.Seed"/>: the same sequence of calls meets the same delays and failures.
/// Under concurrency the order of calls, and so which call meets which draw, may vary; the
/// proportion of failures does not.</para>
/// <para>Injected faults happen before the inner engine is called (nothing changes), unless a
/// scripted <see cref="MockFault.AfterCompletion"/> says the change lands and its result is lost.</para>
/// <para>The change feed (<see cref="IStorageEngine.ReadChangesAsync"/> and its cursor and wait) passes
/// straight through to the inner engine: it is neither delayed, failed nor counted.</para>
/// <para>The quota counts the bytes beneath this engine: measured once by listing the inner
/// engine, then kept up to date by this engine's own writes and deletes (which it serialises
/// while a quota is set). Changes made to the inner engine by other paths are not seen.</para>
/// </remarks>
public sealed class MockEngine : DelegatingStorageEngine
{
    /// <summary>The engine type of the stand-alone mock backend, <c>mock</c>.</summary>
    public const string TypeName = "mock";

    private readonly MockOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly SemaphoreSlim? _quotaGate;
    private readonly string _engineType;
    private long? _quotaUsed;

    /// <summary>A stand-alone mock over a new, private <see cref="MemoryEngine"/>.</summary>
    /// <param name="options">Latency, failures, quota and seed; null for none.</param>
    /// <param name="timeProvider">The clock latency waits on; null for the system clock.</param>
    /// <exception cref="StorageException">InvalidConfiguration naming the option that cannot work.</exception>
    public MockEngine(MockOptions? options = null, TimeProvider? timeProvider = null)
        : this(new MemoryEngine(null, timeProvider), options, timeProvider, ownsInner: true, TypeName)
    {
    }

    /// <summary>A mock over <paramref name="inner"/> ("mock over memory", or chaos over any engine).</summary>
    /// <param name="inner">The engine that stores the data.</param>
    /// <param name="options">Latency, failures, quota and seed; null for none.</param>
    /// <param name="timeProvider">The clock latency waits on; null for the system clock.</param>
    /// <param name="ownsInner">Whether disposing the mock disposes <paramref name="inner"/>.</param>
    /// <exception cref="StorageException">InvalidConfiguration naming the option that cannot work.</exception>
    public MockEngine(IStorageEngine inner, MockOptions? options = null, TimeProvider? timeProvider = null, bool ownsInner = true)
        : this(inner, options, timeProvider, ownsInner, TypeName)
    {
    }

    internal MockEngine(IStorageEngine inner, MockOptions? options, TimeProvider? timeProvider, bool ownsInner, string engineType)
        : base(inner, ownsInner)
    {
        _engineType = engineType;
        _options = options ?? new MockOptions();
        _options.Validate(engineType);
        _time = timeProvider ?? TimeProvider.System;
        _random = _options.Seed is { } seed ? new Random(seed) : new Random();
        _quotaGate = _options.QuotaBytes is null ? null : new SemaphoreSlim(1, 1);
    }

    /// <inheritdoc />
    public override string EngineType => _engineType;

    /// <summary>The inner engine's capabilities, plus <see cref="StorageCapabilities.Quota"/> when a quota is set.</summary>
    public override StorageCapabilities Capabilities =>
        (Inner.Capabilities & ~StorageCapabilities.BatchDelete) | (_quotaGate is null ? StorageCapabilities.None : StorageCapabilities.Quota);

    /// <summary>Faults to inject: queued per operation, or standing rules (outages).</summary>
    public MockFaultScript Faults { get; } = new();

    /// <summary>How many calls each operation received, and how many were failed on purpose.</summary>
    public MockCallCounters Calls { get; } = new();

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        var late = await BeginAsync(MockOperation.Save, key, cancellationToken);
        var item = _quotaGate is null
            ? await Inner.SaveAsync(key, content, options, cancellationToken)
            : await SaveWithinQuotaAsync(key, content, options, cancellationToken);
        ThrowLate(late, MockOperation.Save, key);
        return item;
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var late = await BeginAsync(MockOperation.Load, key, cancellationToken);
        var result = await Inner.OpenReadAsync(key, options, cancellationToken);
        if (late is not null)
        {
            await result.DisposeAsync();
            ThrowLate(late, MockOperation.Load, key);
        }

        return result;
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken)
    {
        var late = await BeginAsync(MockOperation.Stat, key, cancellationToken);
        var item = await Inner.StatAsync(key, cancellationToken);
        ThrowLate(late, MockOperation.Stat, key);
        return item;
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken)
    {
        var late = await BeginAsync(MockOperation.Exists, key, cancellationToken);
        var exists = await Inner.ExistsAsync(key, cancellationToken);
        ThrowLate(late, MockOperation.Exists, key);
        return exists;
    }

    /// <summary>Deletes one key at a time through this engine's own delete, so every key sees the scripted faults, latency and quota.</summary>
    protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var results = new StorageDeleteResult[keys.Count];
        for (int i = 0; i < keys.Count; i++)
        {
            try
            {
                results[i] = new StorageDeleteResult(keys[i], await DeleteCoreAsync(keys[i], DeleteOptions.Default, cancellationToken));
            }
            catch (StorageException e)
            {
                results[i] = new StorageDeleteResult(keys[i], false, e.Provider is null ? e.WithContext(EngineType, StorageOperation.Delete, keys[i]) : e);
            }
        }

        return results;
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        var late = await BeginAsync(MockOperation.Delete, key, cancellationToken);
        bool deleted;
        if (_quotaGate is null)
        {
            deleted = await Inner.DeleteAsync(key, options, cancellationToken);
        }
        else
        {
            await _quotaGate.WaitAsync(cancellationToken);
            try
            {
                long used = await MeasureQuotaUsedAsync(cancellationToken);
                long size = await SizeOfAsync(key, cancellationToken);
                deleted = await Inner.DeleteAsync(key, options, cancellationToken);
                _quotaUsed = deleted ? used - size : used;
            }
            finally
            {
                _quotaGate.Release();
            }
        }

        ThrowLate(late, MockOperation.Delete, key);
        return deleted;
    }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var late = await BeginAsync(MockOperation.List, options.Prefix, cancellationToken);
        await foreach (var entry in Inner.ListAsync(options, cancellationToken))
        {
            yield return entry;
        }

        ThrowLate(late, MockOperation.List, options.Prefix);
    }

    /// <summary>Forwards the copy to the inner engine (natively where it can), within the quota.</summary>
    protected override async ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        var late = await BeginAsync(MockOperation.Copy, sourceKey, cancellationToken);
        StorageItem item;
        if (_quotaGate is null)
        {
            item = await Inner.CopyAsync(sourceKey, destinationKey, condition, cancellationToken);
        }
        else
        {
            await _quotaGate.WaitAsync(cancellationToken);
            try
            {
                long used = await MeasureQuotaUsedAsync(cancellationToken);
                long size = (await Inner.StatAsync(sourceKey, cancellationToken)).Size;
                long replaced = await SizeOfAsync(destinationKey, cancellationToken);
                EnsureWithinQuota(destinationKey, used - replaced + size, StorageOperation.Copy);
                item = await Inner.CopyAsync(sourceKey, destinationKey, condition, cancellationToken);
                _quotaUsed = used - replaced + item.Size;
            }
            finally
            {
                _quotaGate.Release();
            }
        }

        ThrowLate(late, MockOperation.Copy, sourceKey);
        return item;
    }

    /// <summary>Forwards the move to the inner engine (natively where it can), keeping the quota count.</summary>
    protected override async ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        var late = await BeginAsync(MockOperation.Move, sourceKey, cancellationToken);
        StorageItem item;
        if (_quotaGate is null)
        {
            item = await Inner.MoveAsync(sourceKey, destinationKey, condition, cancellationToken);
        }
        else
        {
            await _quotaGate.WaitAsync(cancellationToken);
            try
            {
                long used = await MeasureQuotaUsedAsync(cancellationToken);
                long replaced = await SizeOfAsync(destinationKey, cancellationToken);
                item = await Inner.MoveAsync(sourceKey, destinationKey, condition, cancellationToken);
                _quotaUsed = used - replaced;
            }
            finally
            {
                _quotaGate.Release();
            }
        }

        ThrowLate(late, MockOperation.Move, sourceKey);
        return item;
    }

    /// <summary>The inner engine's information under this engine's type, with the quota and call counts.</summary>
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        var late = await BeginAsync(MockOperation.GetInfo, null, cancellationToken);
        var inner = await Inner.GetInfoAsync(cancellationToken);
        var limits = inner.Limits;
        if (_quotaGate is not null)
        {
            await _quotaGate.WaitAsync(cancellationToken);
            try
            {
                limits = limits with { QuotaUsed = await MeasureQuotaUsedAsync(cancellationToken), QuotaTotal = _options.QuotaBytes };
            }
            finally
            {
                _quotaGate.Release();
            }
        }

        ThrowLate(late, MockOperation.GetInfo, null);
        return inner with
        {
            EngineType = EngineType,
            Capabilities = Capabilities,
            Limits = limits,
            Inner = inner,
            Details = new Dictionary<string, string>
            {
                ["calls"] = Calls.Total.ToString(CultureInfo.InvariantCulture),
                ["injectedFailures"] = Calls.InjectedFailures.ToString(CultureInfo.InvariantCulture),
                ["failureRate"] = _options.FailureRate.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeCoreAsync()
    {
        _quotaGate?.Dispose();
        await base.DisposeCoreAsync();
    }

    /// <summary>Counts the call, waits the latency, and throws an injected fault; returns a fault to throw after the inner call.</summary>
    private async ValueTask<MockFault?> BeginAsync(MockOperation operation, string? key, CancellationToken cancellationToken)
    {
        Calls.Count(operation);
        var (delay, randomFailure) = Draw();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken);
        }

        var fault = Faults.Next(operation, key);
        string reason = "scripted fault";
        if (fault is null && randomFailure)
        {
            fault = new MockFault(_options.FailureCode)
            {
                RetryAfter = _options.RetryAfter,
            };
            reason = "FailureRate " + _options.FailureRate.ToString(CultureInfo.InvariantCulture);
        }

        if (fault is null || fault.AfterCompletion)
        {
            return fault;
        }

        Calls.CountInjected();
        throw fault.ToException(EngineType, operation, key, reason);
    }

    private void ThrowLate(MockFault? late, MockOperation operation, string? key)
    {
        if (late is not null)
        {
            Calls.CountInjected();
            throw late.ToException(EngineType, operation, key, "scripted fault after completion");
        }
    }

    private (TimeSpan Delay, bool Fail) Draw()
    {
        double delay = _options.Latency.TotalMilliseconds;
        bool fail = false;
        bool ranged = _options.MaxLatency is { } max && max.TotalMilliseconds > delay;
        if (ranged || _options.FailureRate > 0)
        {
            lock (_random)
            {
                if (ranged)
                {
                    delay += _random.NextDouble() * (_options.MaxLatency!.Value.TotalMilliseconds - delay);
                }

                if (_options.FailureRate > 0)
                {
                    fail = _random.NextDouble() < _options.FailureRate;
                }
            }
        }

        return (TimeSpan.FromMilliseconds(delay), fail);
    }

    private async ValueTask<StorageItem> SaveWithinQuotaAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        await _quotaGate!.WaitAsync(cancellationToken);
        try
        {
            long used = await MeasureQuotaUsedAsync(cancellationToken);
            long others = used - await SizeOfAsync(key, cancellationToken);
            long allowance = _options.QuotaBytes!.Value - others;
            if (options.ExpectedLength is { } expected)
            {
                EnsureWithinQuota(key, others + expected, StorageOperation.Save);
            }

            var limited = new QuotaLimitedStream(content, allowance, read => QuotaExceeded(key, others + read, StorageOperation.Save));
            StorageItem item;
            try
            {
                item = await Inner.SaveAsync(key, limited, options, cancellationToken);
            }
            catch (Exception e) when (limited.Exceeded && e is not OperationCanceledException)
            {
                Calls.CountInjected();
                throw QuotaExceeded(key, others + limited.Position, StorageOperation.Save);
            }

            _quotaUsed = others + item.Size;
            return item;
        }
        finally
        {
            _quotaGate.Release();
        }
    }

    private async ValueTask<long> MeasureQuotaUsedAsync(CancellationToken cancellationToken)
    {
        if (_quotaUsed is { } known)
        {
            return known;
        }

        long used = 0;
        if (Inner.Supports(StorageCapabilities.List))
        {
            await foreach (var entry in Inner.ListAsync(ListOptions.Default, cancellationToken))
            {
                used += entry.Item?.Size ?? 0;
            }
        }

        _quotaUsed = used;
        return used;
    }

    private async ValueTask<long> SizeOfAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return (await Inner.StatAsync(key, cancellationToken)).Size;
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
        {
            return 0;
        }
    }

    private void EnsureWithinQuota(string key, long wouldUse, string operation)
    {
        if (wouldUse > _options.QuotaBytes!.Value)
        {
            Calls.CountInjected();
            throw QuotaExceeded(key, wouldUse, operation);
        }
    }

    private StorageException QuotaExceeded(string key, long wouldUse, string operation) =>
        new(StorageErrorCode.QuotaExceeded,
            $"Writing key '{key}' would use at least {wouldUse} bytes of the mock's {_options.QuotaBytes}-byte quota (QuotaBytes). Nothing was written. Delete objects or raise QuotaBytes.")
        { Key = key, Provider = EngineType, Operation = operation };
}
