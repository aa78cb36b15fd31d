namespace Atomiton.Storage.Sync.Planning;

/// <summary>The safety valves that stop a run before any change (docs/sync.md, "Safety valves").</summary>
public enum SafetyValve
{
    /// <summary>A side that had synced keys now lists none (an unmounted disk, an emptied or replaced store).</summary>
    EmptySide = 0,

    /// <summary>Planned deletes on a side exceed <see cref="SyncOptions.MaxDeletePercent"/> of the synced keys (and <see cref="SyncOptions.MaxDeleteMinKeys"/>), or <see cref="SyncOptions.MaxDeleteCount"/>.</summary>
    MaxDelete,

    /// <summary>Every synced key on a side changed (a clock or a tool touched everything).</summary>
    AllChanged,

    /// <summary>A side's identity differs from the one the pair was first synced with.</summary>
    IdentityChanged,
}

/// <summary>A tripped safety valve: which, on which side, the numbers and how to override.</summary>
/// <param name="Valve">The valve.</param>
/// <param name="Side">The side it tripped on.</param>
/// <param name="Message">The numbers and what they mean.</param>
/// <param name="Override">How to proceed anyway (<c>--force</c>, <c>sync rebaseline</c>).</param>
/// <param name="Overridden">True when <see cref="SyncOptions.Force"/> let the run proceed anyway.</param>
public sealed record SafetyVerdict(SafetyValve Valve, SyncSide Side, string Message, string Override, bool Overridden);
