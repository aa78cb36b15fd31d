using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Atomiton.Storage.Resilience.Health;

/// <summary>
/// The health of one pipeline, from <see cref="IStorageEngine.GetInfoAsync"/>: Unhealthy when it
/// fails or reports not connected, or a stage reports <see cref="StorageHealthDetails.Unhealthy"/>,
/// or quota usage is critical; Degraded when a stage reports <see cref="StorageHealthDetails.Degraded"/>
/// (failover on a secondary, a lagging mirror member, an open circuit) or quota usage passed the
/// warning threshold; otherwise Healthy. The data names the engine and the quota figures.
/// </summary>
public sealed class StorageHealthCheck : IHealthCheck
{
    private readonly Func<CancellationToken, ValueTask<IStorageEngine>> _engine;
    private readonly QuotaMonitor _quota;

    /// <summary>Checks <paramref name="engine"/>.</summary>
    /// <param name="engine">The pipeline to check.</param>
    /// <param name="quota">The quota thresholds and logging.</param>
    public StorageHealthCheck(IStorageEngine engine, QuotaMonitor quota)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(quota);
        _engine = _ => ValueTask.FromResult(engine);
        _quota = quota;
    }

    /// <summary>Checks the engine <paramref name="engine"/> yields (for pipelines resolved lazily, by name).</summary>
    public StorageHealthCheck(Func<CancellationToken, ValueTask<IStorageEngine>> engine, QuotaMonitor quota)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(quota);
        _engine = engine;
        _quota = quota;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        StorageInfo info;
        try
        {
            var engine = await _engine(cancellationToken);
            info = await engine.GetInfoAsync(cancellationToken);
        }
        catch (StorageException e)
        {
            return HealthCheckResult.Unhealthy($"GetInfo failed with {e.Code}: {e.Message}", e);
        }

        var data = new Dictionary<string, object> { ["engine"] = info.EngineType, ["connected"] = info.IsConnected };
        var status = HealthStatus.Healthy;
        var reasons = new List<string>();
        if (!info.IsConnected)
        {
            status = HealthStatus.Unhealthy;
            reasons.Add($"the '{info.EngineType}' engine reports it is not connected");
        }

        for (var level = info; level is not null; level = level.Inner)
        {
            if (level.Details.TryGetValue(StorageHealthDetails.Status, out var reported) && reported != StorageHealthDetails.Healthy)
            {
                status = Worst(status, reported == StorageHealthDetails.Unhealthy ? HealthStatus.Unhealthy : HealthStatus.Degraded);
                reasons.Add($"stage '{level.EngineType}' is {reported}" + (level.Details.TryGetValue(StorageHealthDetails.Reason, out var why) ? ": " + why : ""));
            }
        }

        var quotaLevel = _quota.Observe(info);
        if (QuotaMonitor.FindQuota(info) is { } quota)
        {
            data["quotaUsed"] = quota.Used;
            data["quotaTotal"] = quota.Total;
            data["quotaRatio"] = Math.Round((double)quota.Used / quota.Total, 4);
            if (quotaLevel != QuotaLevel.Normal)
            {
                status = Worst(status, quotaLevel == QuotaLevel.Critical ? HealthStatus.Unhealthy : HealthStatus.Degraded);
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"quota {quotaLevel.ToString().ToLowerInvariant()}: {quota.Used} of {quota.Total} bytes used"));
            }
        }

        var description = reasons.Count == 0 ? $"'{info.EngineType}' pipeline is healthy." : string.Join("; ", reasons) + ".";
        return new HealthCheckResult(status, description, data: data);
    }

    private static HealthStatus Worst(HealthStatus a, HealthStatus b) => a < b ? a : b;
}
