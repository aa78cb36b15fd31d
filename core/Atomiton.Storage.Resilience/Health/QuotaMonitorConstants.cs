namespace Atomiton.Storage.Resilience.Health;

/// <summary>The defaults of <see cref="QuotaMonitorOptions"/> and <see cref="StorageHealthCheckOptions"/>, in one place.</summary>
internal static class QuotaMonitorConstants
{
    public const double DefaultWarningRatio = 0.8;

    public const double DefaultCriticalRatio = 0.95;

    public static readonly TimeSpan DefaultCheckInterval = TimeSpan.FromMinutes(1);
}
