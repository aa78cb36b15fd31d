namespace Atomiton.Storage.Sync.State;

/// <summary>How many keys a pair's state holds: synced (with a base) and observed present on each side.</summary>
/// <param name="Synced">Keys with a synced base.</param>
/// <param name="PresentA">Keys side A was last seen to hold.</param>
/// <param name="PresentB">Keys side B was last seen to hold.</param>
/// <param name="Unsettled">Keys with work left (not equal on both sides and the base).</param>
public sealed record SyncStateCounts(long Synced, long PresentA, long PresentB, long Unsettled)
{
    /// <summary>Keys present on <paramref name="side"/>.</summary>
    public long PresentOn(SyncSide side) => side == SyncSide.A ? PresentA : PresentB;
}
