namespace Atomiton.Storage.Resilience.Failover;

/// <summary>The defaults of <see cref="FailoverOptions"/>, in one place.</summary>
internal static class FailoverConstants
{
    public const int DefaultFailureThreshold = 1;

    public static readonly TimeSpan DefaultRecoveryProbeInterval = TimeSpan.FromSeconds(5);
}
