namespace Atomiton.Storage.Sync.State;

/// <summary>
/// What the state store keeps for the pair as a whole: each side's identity (checked every run — a
/// changed identity is a safety abort), each side's change-feed cursor (committed together with the
/// observations it delivered), and when the trash was last purged.
/// </summary>
public sealed record SyncPairState
{
    /// <summary>Side A's identity when the pair was first synced.</summary>
    public required string IdentityA { get; init; }

    /// <summary>Side B's identity when the pair was first synced.</summary>
    public required string IdentityB { get; init; }

    /// <summary>Side A's change-feed cursor, or null when A is synced by listing.</summary>
    public string? CursorA { get; init; }

    /// <summary>Side B's change-feed cursor, or null when B is synced by listing.</summary>
    public string? CursorB { get; init; }

    /// <summary>When the last run finished, or null before the first.</summary>
    public DateTimeOffset? LastRun { get; init; }

    /// <summary>When the trash of both sides was last purged of entries past their retention.</summary>
    public DateTimeOffset? LastTrashPurge { get; init; }

    /// <summary>The cursor of <paramref name="side"/>.</summary>
    public string? CursorOf(SyncSide side) => side == SyncSide.A ? CursorA : CursorB;

    /// <summary>This state with <paramref name="side"/>'s cursor replaced.</summary>
    public SyncPairState WithCursor(SyncSide side, string? cursor) => side == SyncSide.A ? this with { CursorA = cursor } : this with { CursorB = cursor };
}
