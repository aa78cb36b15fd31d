using Atomiton.Storage.Sync.Conflicts;

namespace Atomiton.Storage.Sync;

/// <summary>How a <see cref="SyncPair"/> plans and runs. Defaults are the safe ones (docs/sync.md).</summary>
public sealed record SyncOptions
{
    /// <summary>What happens when both sides changed a key differently (default keep both).</summary>
    public ConflictPolicy Conflicts { get; init; } = ConflictPolicy.KeepBoth;

    /// <summary>The resolver <see cref="ConflictPolicy.Custom"/> asks.</summary>
    public ISyncConflictResolver? Resolver { get; init; }

    /// <summary>What happens when one side deleted a key the other changed (default: the change survives).</summary>
    public DeleteVsModify DeleteVsModify { get; init; } = DeleteVsModify.ModifyWins;

    /// <summary>
    /// The delete valve as a share of the synced keys: planned deletes on one side above this
    /// percentage (and above <see cref="MaxDeleteMinKeys"/>) abort the run before any change. Default 50.
    /// </summary>
    public double MaxDeletePercent { get; init; } = 50;

    /// <summary>Deletes on a side up to this many never trip the percentage valve. Default 10.</summary>
    public int MaxDeleteMinKeys { get; init; } = 10;

    /// <summary>An absolute delete valve: more planned deletes than this on one side abort the run (null: only the percentage).</summary>
    public int? MaxDeleteCount { get; init; }

    /// <summary>Runs despite tripped safety valves (for one run: the CLI's <c>--force</c>).</summary>
    public bool Force { get; init; }

    /// <summary>Names of the sides in conflict-copy names (<c>laptop</c>, <c>cloud</c>); default <c>a</c> and <c>b</c>.</summary>
    public string ReplicaNameA { get; init; } = "a";

    /// <summary>The name of side B in conflict-copy names.</summary>
    public string ReplicaNameB { get; init; } = "b";

    /// <summary>The side whose version keeps the key when both were written at the same time (default B, the hub).</summary>
    public SyncSide PrimarySide { get; init; } = SyncSide.B;

    /// <summary>Conflict copies kept per key; beyond it a new loser goes to the trash instead. Default 10.</summary>
    public int MaxConflictCopies { get; init; } = 10;

    /// <summary>How long trashed versions are kept (under <c>.atomiton-sync/trash/</c> on each side). Default 30 days.</summary>
    public TimeSpan TrashRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How often one key is re-observed and re-planned after a failed precondition in one run. Default 3.</summary>
    public int MaxAttemptsPerKey { get; init; } = 3;

    /// <summary>Keys under this prefix (on both sides) are synced; default every key.</summary>
    public string Prefix { get; init; } = string.Empty;

    /// <summary>
    /// How many transfers (copies, deletes) run at once. Default 4 (the design's per-side parallelism
    /// for clouds); 1 runs them one at a time. Copies still all finish before any delete starts, two
    /// keys that could be one name on a folding engine never run together, and conflicts and moves
    /// run alone.
    /// </summary>
    public int MaxParallelTransfers { get; init; } = 4;

    /// <summary>
    /// Finished keys are committed to the state store together, in one transaction, once this many
    /// are waiting (or <see cref="CommitInterval"/> after the last commit, at the end of each phase,
    /// before each conflict or move, and when the run stops). Default 256; 1 commits every key on
    /// its own. A crash loses at most the uncommitted results, never a transfer: the next run sees
    /// those keys through the change feed (or the listing) and records them without copying again.
    /// </summary>
    public int CommitEvery { get; init; } = 256;

    /// <summary>A key that finishes this long after the last commit commits what is waiting. Default 250 ms (on <see cref="TimeProvider"/>).</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Changes per feed page. Default 1,000.</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>
    /// How long a run waits for another run of the same pair (any process) to finish before it gives
    /// up with a Conflict <see cref="StorageException"/>. Default zero: refuse at once.
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits until the other run ends (or its lease runs out).
    /// </summary>
    public TimeSpan RunLockWait { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// The run lock's lease: a run renews it every third of this while it lives; a run that died holding
    /// it (crash, kill) blocks the pair until this long after its last renewal, then the next run takes
    /// it over and logs that. Default 2 minutes (rclone bisync's minimum <c>--max-lock</c>).
    /// </summary>
    public TimeSpan RunLockLease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The clock for log lines, trash folders, retention and the run lock's lease (tests inject one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The replica name of <paramref name="side"/>.</summary>
    public string ReplicaNameOf(SyncSide side) => side == SyncSide.A ? ReplicaNameA : ReplicaNameB;
}
