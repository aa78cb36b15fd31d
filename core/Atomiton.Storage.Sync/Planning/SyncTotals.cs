namespace Atomiton.Storage.Sync.Planning;

/// <summary>What a plan does, counted.</summary>
public sealed record SyncTotals
{
    /// <summary>Copies from A to B (creates and overwrites).</summary>
    public int CopiesAToB { get; init; }

    /// <summary>Copies from B to A.</summary>
    public int CopiesBToA { get; init; }

    /// <summary>Deletes on A (to A's trash).</summary>
    public int DeletesOnA { get; init; }

    /// <summary>Deletes on B (to B's trash).</summary>
    public int DeletesOnB { get; init; }

    /// <summary>Renames replayed as moves (not counted as deletes).</summary>
    public int Moves { get; init; }

    /// <summary>Conflicts (both sides changed to different content).</summary>
    public int Conflicts { get; init; }

    /// <summary>Keys recorded as synced without a transfer (equal content on both sides).</summary>
    public int Recorded { get; init; }

    /// <summary>Keys deleted on both sides whose base is dropped.</summary>
    public int Forgotten { get; init; }

    /// <summary>Keys skipped, with a reason (collisions, unrepresentable names, skipped conflicts).</summary>
    public int Skipped { get; init; }

    /// <summary>Bytes copied from A to B.</summary>
    public long BytesAToB { get; init; }

    /// <summary>Bytes copied from B to A.</summary>
    public long BytesBToA { get; init; }

    /// <summary>Actions that change an engine.</summary>
    public int Mutations => CopiesAToB + CopiesBToA + DeletesOnA + DeletesOnB + Moves + Conflicts;
}
