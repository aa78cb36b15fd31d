using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Planning;

/// <summary>
/// A plan: every action with its reason, the totals, and the safety-valve verdicts. A plan whose
/// <see cref="IsAborted"/> is true is never executed.
/// </summary>
public sealed record SyncPlan
{
    /// <summary>The actions, copies and conflicts before moves before deletes, each group in ordinal key order.</summary>
    public required IReadOnlyList<SyncAction> Actions { get; init; }

    /// <summary>The counts.</summary>
    public required SyncTotals Totals { get; init; }

    /// <summary>Tripped safety valves (overridden ones too).</summary>
    public IReadOnlyList<SafetyVerdict> Verdicts { get; init; } = [];

    /// <summary>Normal or merge (no deletions).</summary>
    public SyncMode Mode { get; init; }

    /// <summary>Why the run is a merge, when it is.</summary>
    public string? ModeReason { get; init; }

    /// <summary>
    /// For a dry run: the run of this pair in progress when it was planned (its lease not run out), or
    /// null. That run may change what this plan shows. Always null for the plan of a run (it held the lock).
    /// </summary>
    public SyncRunLock? RunInProgress { get; init; }

    /// <summary>True when a valve tripped and was not overridden: nothing will be changed.</summary>
    public bool IsAborted => Verdicts.Any(verdict => !verdict.Overridden);

    /// <summary>True when the plan changes nothing on either engine.</summary>
    public bool IsEmpty => Totals.Mutations == 0;
}
