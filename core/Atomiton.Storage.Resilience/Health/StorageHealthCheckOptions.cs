using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Resilience.Health;

/// <summary>Thresholds of <see cref="StorageHealthCheck"/> and <see cref="QuotaMonitor"/>.</summary>
public sealed class StorageHealthCheckOptions
{
    /// <summary>Quota used/total at or above which the pipeline is Degraded and a warning is logged.</summary>
    [Range(0.0, 1.0)]
    public double QuotaWarningRatio { get; set; } = QuotaMonitorConstants.DefaultWarningRatio;

    /// <summary>Quota used/total at or above which the pipeline is Unhealthy and an error is logged.</summary>
    [Range(0.0, 1.0)]
    public double QuotaCriticalRatio { get; set; } = QuotaMonitorConstants.DefaultCriticalRatio;
}
