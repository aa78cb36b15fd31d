namespace Atomiton.Storage.Resilience.Health;

/// <summary>Where quota usage stands against the thresholds of <see cref="StorageHealthCheckOptions"/>.</summary>
public enum QuotaLevel
{
    /// <summary>Below the warning threshold, or no quota reported.</summary>
    Normal = 0,

    /// <summary>At or above the warning threshold.</summary>
    Warning,

    /// <summary>At or above the critical threshold.</summary>
    Critical,
}
