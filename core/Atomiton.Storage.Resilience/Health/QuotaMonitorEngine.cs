using System.Globalization;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Resilience.Health;

/// <summary>
/// The <c>quota-monitor</c> stage: after writes (at most once per
/// <see cref="QuotaMonitorOptions.CheckInterval"/>) reads the quota the engine beneath
/// reports in <c>GetInfo</c> and logs once each time usage crosses the warning or critical ratio
/// (see <see cref="QuotaMonitor"/>). Its <c>GetInfo</c> adds <c>quotaLevel</c> and the health
/// convention (Degraded at warning, Unhealthy at critical), which health checks read.
/// Content and calls pass through unchanged.
/// </summary>
public sealed class QuotaMonitorEngine : DelegatingStorageEngine
{
    /// <summary>The engine and provider type name, <c>quota-monitor</c>.</summary>
    public const string TypeName = "quota-monitor";

    private readonly QuotaMonitor _monitor;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private long _lastCheck = long.MinValue;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The engine whose quota is watched.</param>
    /// <param name="pipeline">The pipeline named in warnings.</param>
    /// <param name="options">Thresholds and check interval.</param>
    /// <param name="timeProvider">The clock of the check interval; null for the system clock.</param>
    /// <param name="logger">Where crossings are logged.</param>
    /// <exception cref="StorageException">InvalidConfiguration when the warning ratio exceeds the critical one.</exception>
    public QuotaMonitorEngine(IStorageEngine inner, string pipeline, QuotaMonitorOptions? options = null, TimeProvider? timeProvider = null, IStorageLogger? logger = null)
        : base(inner, ownsInner: true)
    {
        options ??= new QuotaMonitorOptions();
        try
        {
            _monitor = new QuotaMonitor(pipeline, new StorageHealthCheckOptions { QuotaWarningRatio = options.QuotaWarningRatio, QuotaCriticalRatio = options.QuotaCriticalRatio }, logger);
        }
        catch (ArgumentException e)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration, $"Invalid quota-monitor options: {e.Message}", e) { Provider = TypeName, Operation = "create" };
        }

        _interval = options.CheckInterval;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The inner engine's capabilities: copy and move are forwarded to it.</summary>
    public override StorageCapabilities Capabilities => Inner.Capabilities;

    /// <inheritdoc />
    public override string EngineType => TypeName;

    /// <summary>The level seen at the last check.</summary>
    public QuotaLevel Level => _monitor.Level;

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        var item = await Inner.SaveAsync(key, content, options, cancellationToken);
        await CheckIfDueAsync(cancellationToken);
        return item;
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        var item = await Inner.CopyAsync(sourceKey, destinationKey, condition, cancellationToken);
        await CheckIfDueAsync(cancellationToken);
        return item;
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        bool deleted = await Inner.DeleteAsync(key, options, cancellationToken);
        await CheckIfDueAsync(cancellationToken);
        return deleted;
    }

    /// <inheritdoc />
    protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var results = await Inner.DeleteManyAsync(keys, cancellationToken);
        await CheckIfDueAsync(cancellationToken);
        return results;
    }

    /// <inheritdoc />
    protected override ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        Inner.MoveAsync(sourceKey, destinationKey, condition, cancellationToken);

    /// <inheritdoc />
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        var inner = await Inner.GetInfoAsync(cancellationToken);
        var level = _monitor.Observe(inner);
        Volatile.Write(ref _lastCheck, _time.GetTimestamp());
        var details = new Dictionary<string, string>
        {
            ["quotaLevel"] = level.ToString(),
            [StorageHealthDetails.Status] = level switch
            {
                QuotaLevel.Critical => StorageHealthDetails.Unhealthy,
                QuotaLevel.Warning => StorageHealthDetails.Degraded,
                _ => StorageHealthDetails.Healthy,
            },
        };
        if (level != QuotaLevel.Normal && QuotaMonitor.FindQuota(inner) is { } quota)
        {
            details[StorageHealthDetails.Reason] = string.Create(CultureInfo.InvariantCulture, $"quota {level.ToString().ToLowerInvariant()}: {quota.Used} of {quota.Total} bytes used");
        }

        return inner with { EngineType = EngineType, Capabilities = Capabilities, Traits = Traits, KeyRules = KeyRules, Details = details, Inner = inner };
    }

    private async ValueTask CheckIfDueAsync(CancellationToken cancellationToken)
    {
        long last = Volatile.Read(ref _lastCheck);
        if (last != long.MinValue && _time.GetElapsedTime(last) < _interval)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastCheck, _time.GetTimestamp(), last) != last)
        {
            return; // another write is checking
        }

        try
        {
            _monitor.Observe(await Inner.GetInfoAsync(cancellationToken));
        }
        catch (StorageException)
        {
            // The write succeeded; a quota check that cannot run now is retried after the next write.
            Volatile.Write(ref _lastCheck, long.MinValue);
        }
    }
}
