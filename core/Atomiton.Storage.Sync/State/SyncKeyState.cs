namespace Atomiton.Storage.Sync.State;

/// <summary>
/// Everything the sync state knows about one key: what side A and side B were last seen to hold
/// (null: absent) and the synced base (null: never synced, or deleted on both sides).
/// </summary>
/// <param name="Key">The key (relative to the pair's prefix).</param>
/// <param name="A">Side A's last observed version, or null when absent.</param>
/// <param name="B">Side B's last observed version, or null when absent.</param>
/// <param name="Base">The last synced base, or null.</param>
public sealed record SyncKeyState(string Key, SyncVersion? A, SyncVersion? B, SyncBase? Base)
{
    /// <summary>The observed version of <paramref name="side"/>.</summary>
    public SyncVersion? Of(SyncSide side) => side == SyncSide.A ? A : B;

    /// <summary>This state with <paramref name="side"/>'s observation replaced.</summary>
    public SyncKeyState With(SyncSide side, SyncVersion? version) => side == SyncSide.A ? this with { A = version } : this with { B = version };

    /// <summary>True when the store keeps nothing for this key (absent on both sides and never synced).</summary>
    public bool IsEmpty => A is null && B is null && Base is null;

    /// <summary>
    /// True when nothing is left to do: both sides still hold the synced base (by ETag), or the
    /// key is absent everywhere.
    /// </summary>
    public bool IsSettled => Base is null
        ? A is null && B is null
        : A is not null && B is not null && A.ETag == Base.ETagA && B.ETag == Base.ETagB;
}
