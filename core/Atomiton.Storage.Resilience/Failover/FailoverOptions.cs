using System.ComponentModel.DataAnnotations;

namespace Atomiton.Storage.Resilience.Failover;

/// <summary>
/// Options of the <c>failover</c> stage. The stage beneath it in the chain is the primary;
/// <see cref="Members"/> names the secondary pipelines, tried in order.
/// </summary>
public sealed class FailoverOptions
{
    /// <summary>The secondary pipelines (names declared in <c>plugins.json</c>), in order of preference; at least one.</summary>
    [Required]
    public IList<string> Members { get; set; } = [];

    /// <summary>Consecutive failures after which a member is taken out of rotation (1 = at the first failure).</summary>
    [Range(1, 1000)]
    public int FailureThreshold { get; set; } = FailoverConstants.DefaultFailureThreshold;

    /// <summary>How long a member stays out before a probe (<c>GetInfo</c>) may bring it back (1 ms to 1 day; default 5 s).</summary>
    [DurationRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan RecoveryProbeInterval { get; set; } = FailoverConstants.DefaultRecoveryProbeInterval;

    /// <summary>
    /// The budget of one attempt on one member (1 ms to 1 day); past it the call moves on to the
    /// next member. Null waits as long as the member takes (put a <c>timeout</c> stage in the member instead).
    /// </summary>
    [DurationRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan? AttemptTimeout { get; set; }
}
