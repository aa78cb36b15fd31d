using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Resilience.Health;

/// <summary>Options of the <c>quota-monitor</c> stage.</summary>
public sealed class QuotaMonitorOptions
{
    /// <summary>Quota used/total at or above which a warning is logged and the stage reports Degraded.</summary>
    [Range(0.0, 1.0)]
    public double QuotaWarningRatio { get; set; } = 0.8;

    /// <summary>Quota used/total at or above which an error is logged and the stage reports Unhealthy.</summary>
    [Range(0.0, 1.0)]
    public double QuotaCriticalRatio { get; set; } = 0.95;

    /// <summary>The least time between two quota checks after writes, in milliseconds (0: after every write).</summary>
    [Range(0, 86_400_000)]
    public int CheckIntervalMilliseconds { get; set; } = 60_000;
}
