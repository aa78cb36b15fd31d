using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Resilience.Health;

/// <summary>Options of the <c>quota-monitor</c> stage.</summary>
public sealed class QuotaMonitorOptions
{
    /// <summary>Quota used/total at or above which a warning is logged and the stage reports Degraded.</summary>
    [Range(0.0, 1.0)]
    public double QuotaWarningRatio { get; set; } = QuotaMonitorConstants.DefaultWarningRatio;

    /// <summary>Quota used/total at or above which an error is logged and the stage reports Unhealthy.</summary>
    [Range(0.0, 1.0)]
    public double QuotaCriticalRatio { get; set; } = QuotaMonitorConstants.DefaultCriticalRatio;

    /// <summary>The least time between two quota checks after writes (0: after every write; at most 1 day; default 1 min).</summary>
    [DurationRange("00:00:00", "1.00:00:00")]
    public TimeSpan CheckInterval { get; set; } = QuotaMonitorConstants.DefaultCheckInterval;
}
