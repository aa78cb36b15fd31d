namespace Atomiton.Storage.Resilience.Mirror;

/// <summary>A member of a mirror stage as it stands.</summary>
/// <param name="Name">The member's pipeline name.</param>
/// <param name="MissedWrites">Writes (saves, deletes) it failed and has not caught up on since.</param>
/// <param name="MissedKeys">The keys of those writes (at most the first 10,000).</param>
/// <param name="LastError">Its last write failure's code and message (no secrets), or null.</param>
public sealed record MirrorMemberStatus(string Name, long MissedWrites, IReadOnlyList<string> MissedKeys, string? LastError)
{
    /// <summary>Whether the member missed writes: its content is behind the others'.</summary>
    public bool IsLagging => MissedWrites > 0;
}
