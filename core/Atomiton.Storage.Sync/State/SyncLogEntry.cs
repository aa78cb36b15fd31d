namespace Atomiton.Storage.Sync.State;

/// <summary>What a <see cref="SyncLogEntry"/> records.</summary>
public enum SyncLogKind
{
    /// <summary>Two different versions met; <see cref="SyncLogEntry.RelatedKey"/> names the conflict copy when one was made.</summary>
    Conflict = 0,

    /// <summary>A version went to the trash (a propagated delete or an overwritten loser); <see cref="SyncLogEntry.RelatedKey"/> is the trash key.</summary>
    Trashed,

    /// <summary>A conflict was left for a human (skip policy, cap reached, resolver said skip).</summary>
    Unresolved,

    /// <summary>A key cannot be created on a side (case or Unicode-normalisation collision, unrepresentable name).</summary>
    Collision,

    /// <summary>A transfer failed; the key stays unsynced and is retried by the next run.</summary>
    Failed,

    /// <summary>The run took over the run lock of a run whose lease had run out (it crashed or was killed); the message names that run.</summary>
    LockTakenOver,
}

/// <summary>One line of a pair's sync log (conflicts, trash, collisions, failures); <c>sync conflicts</c> shows them.</summary>
/// <param name="At">When (the pair's clock).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Key">The key concerned.</param>
/// <param name="Message">A human sentence saying what happened and what to do.</param>
/// <param name="RelatedKey">The conflict copy or trash key, when there is one.</param>
/// <param name="Side">The side concerned, when one is.</param>
public sealed record SyncLogEntry(DateTimeOffset At, SyncLogKind Kind, string Key, string Message, string? RelatedKey = null, SyncSide? Side = null);
