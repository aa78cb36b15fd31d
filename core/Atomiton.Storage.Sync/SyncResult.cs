using Atomiton.Storage.Sync.Planning;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync;

/// <summary>How a run ended.</summary>
public enum SyncStatus
{
    /// <summary>Everything planned was done; the sides agree (apart from reported skips, if any — see <see cref="NeedsAttention"/>).</summary>
    Completed = 0,

    /// <summary>Some keys failed with transient errors or kept changing; run again later (exit code 1).</summary>
    RetryLater,

    /// <summary>A safety valve tripped; nothing was changed. A human must look (exit code 3).</summary>
    SafetyAbort,

    /// <summary>Done, but conflicts were left unresolved, names collided, or a key failed permanently. A human must look (exit code 4).</summary>
    NeedsAttention,
}

/// <summary>What a run did.</summary>
public sealed record SyncResult
{
    /// <summary>How it ended.</summary>
    public required SyncStatus Status { get; init; }

    /// <summary>The plan it executed (or refused to).</summary>
    public required SyncPlan Plan { get; init; }

    /// <summary>Actions applied (after re-planning, the action that finally ran).</summary>
    public int Applied { get; init; }

    /// <summary>Keys re-observed and re-planned after a failed precondition (a change raced the run).</summary>
    public int Replanned { get; init; }

    /// <summary>Keys that failed; the next run retries them (nothing was recorded as synced for them).</summary>
    public int Failed { get; init; }

    /// <summary>Log lines written by this run (conflicts, trash, collisions, failures).</summary>
    public IReadOnlyList<SyncLogEntry> Log { get; init; } = [];

    /// <summary>One line for people: the status and the numbers.</summary>
    public string Summary => Status switch
    {
        SyncStatus.SafetyAbort => "aborted before any change: " + string.Join("; ", Plan.Verdicts.Where(v => !v.Overridden).Select(v => $"{v.Valve}: {v.Message} — {v.Override}")),
        _ => $"{Status}: {Applied} applied ({Plan.Totals.CopiesAToB} A→B, {Plan.Totals.CopiesBToA} B→A, {Plan.Totals.DeletesOnA + Plan.Totals.DeletesOnB} deletes, "
            + $"{Plan.Totals.Moves} moves, {Plan.Totals.Conflicts} conflicts, {Plan.Totals.Skipped} skipped), {Replanned} re-planned, {Failed} failed",
    };
}
