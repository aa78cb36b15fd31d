namespace Atomiton.Storage.Resilience.Failover;

/// <summary>A member of a failover stage as it stands.</summary>
/// <param name="Name">The member's pipeline name (the primary is named after the stage beneath).</param>
/// <param name="IsAvailable">Whether it is in rotation.</param>
/// <param name="ConsecutiveFailures">Failures since its last success.</param>
/// <param name="OutUntil">When it may be probed again, while out of rotation.</param>
/// <param name="LastError">Its last failure's code and message (no secrets), or null.</param>
public sealed record FailoverMemberStatus(string Name, bool IsAvailable, int ConsecutiveFailures, DateTimeOffset? OutUntil, string? LastError);
