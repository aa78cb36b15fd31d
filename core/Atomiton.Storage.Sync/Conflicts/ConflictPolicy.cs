namespace Atomiton.Storage.Sync.Conflicts;

/// <summary>What happens when both sides changed a key to different content.</summary>
public enum ConflictPolicy
{
    /// <summary>
    /// The default: the winner (later <see cref="StorageItem.Updated"/>; a tie goes to
    /// <see cref="SyncOptions.PrimarySide"/>) keeps the key, the loser becomes a conflict copy named
    /// inside the key grammar on both sides. Nothing is lost even when clocks are wrong.
    /// </summary>
    KeepBoth = 0,

    /// <summary>The later write wins; the loser goes to the trash of its side. Beware of clock skew.</summary>
    NewerWins,

    /// <summary>Side A wins; B's version goes to B's trash.</summary>
    PreferA,

    /// <summary>Side B wins; A's version goes to A's trash.</summary>
    PreferB,

    /// <summary>Touch neither side; report the conflict (exit code 4) and leave it for a human or a later run.</summary>
    Skip,

    /// <summary>Ask <see cref="SyncOptions.Resolver"/>, which may merge.</summary>
    Custom,
}

/// <summary>What happens when one side deleted a key and the other changed it.</summary>
public enum DeleteVsModify
{
    /// <summary>The default: the changed version survives and is copied back (an edit beats a delete).</summary>
    ModifyWins = 0,

    /// <summary>The delete wins; the changed version goes to the trash of its side.</summary>
    DeleteWins,
}
