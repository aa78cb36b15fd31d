using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Planning;

/// <summary>What one side did to a key since the base, judged only by that side's own ETags and hashes.</summary>
internal enum SideChange
{
    Absent,
    Unchanged,
    Touched,
    Modified,
    Created,
    Deleted,
}

internal static class SideChanges
{
    public static SideChange Of(SyncKeyState state, SyncSide side)
    {
        var now = state.Of(side);
        var synced = state.Base;
        if (synced is null)
        {
            return now is null ? SideChange.Absent : SideChange.Created;
        }

        if (now is null)
        {
            return SideChange.Deleted;
        }

        if (now.ETag == synced.ETagOf(side))
        {
            return SideChange.Unchanged;
        }

        return now.SameContentAs(synced) ? SideChange.Touched : SideChange.Modified;
    }

    public static bool IsSame(this SideChange change) => change is SideChange.Unchanged or SideChange.Touched;

    public static bool IsChanged(this SideChange change) => change is SideChange.Modified or SideChange.Created;

    public static string Describe(this SideChange change) => change switch
    {
        SideChange.Absent => "absent",
        SideChange.Unchanged => "unchanged",
        SideChange.Touched => "touched (same content, new ETag)",
        SideChange.Modified => "modified",
        SideChange.Created => "created",
        _ => "deleted",
    };

    public static SyncSide Other(this SyncSide side) => side == SyncSide.A ? SyncSide.B : SyncSide.A;
}
