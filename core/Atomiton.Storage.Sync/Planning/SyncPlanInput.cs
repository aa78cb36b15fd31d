using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Planning;

/// <summary>Everything the pure planner looks at.</summary>
public sealed record SyncPlanInput
{
    /// <summary>The unsettled key states (each side's latest observation and the base).</summary>
    public required IReadOnlyList<SyncKeyState> States { get; init; }

    /// <summary>The state store's counts after observing (for the valves).</summary>
    public required SyncStateCounts Counts { get; init; }

    /// <summary>Normal or merge.</summary>
    public SyncMode Mode { get; init; }

    /// <summary>Why the run is a merge.</summary>
    public string? ModeReason { get; init; }

    /// <summary>What side A can store (case folding, normalisation, limits).</summary>
    public StorageKeyRules RulesA { get; init; } = StorageKeyRules.Default;

    /// <summary>What side B can store.</summary>
    public StorageKeyRules RulesB { get; init; } = StorageKeyRules.Default;

    /// <summary>
    /// For sides whose rules fold keys: the key present on the side that folds to the given folded key,
    /// or null. Null function: no key present outside <see cref="States"/> can collide.
    /// </summary>
    public Func<SyncSide, string, string?>? FindFolded { get; init; }

    /// <summary>Verdicts found before planning (identity checks).</summary>
    public IReadOnlyList<SafetyVerdict> Verdicts { get; init; } = [];

    /// <summary>The rules of <paramref name="side"/>.</summary>
    public StorageKeyRules RulesOf(SyncSide side) => side == SyncSide.A ? RulesA : RulesB;
}
