namespace Atomiton.Storage.Resilience;

/// <summary>
/// The convention by which stages report their health in <see cref="StorageInfo.Details"/>, read
/// by <see cref="Health.StorageHealthCheck"/> at every level of a pipeline: a <see cref="Status"/>
/// entry of <see cref="Healthy"/>, <see cref="Degraded"/> or <see cref="Unhealthy"/>, and a
/// <see cref="Reason"/>. Plugins can follow it without referencing this assembly.
/// </summary>
public static class StorageHealthDetails
{
    /// <summary>The detail holding the status.</summary>
    public const string Status = "health";

    /// <summary>The detail holding why the stage is not healthy.</summary>
    public const string Reason = "health.reason";

    /// <summary>Working normally.</summary>
    public const string Healthy = "healthy";

    /// <summary>Serving, but with reduced redundancy or on a fallback.</summary>
    public const string Degraded = "degraded";

    /// <summary>Not serving.</summary>
    public const string Unhealthy = "unhealthy";
}
