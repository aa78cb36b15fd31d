using Atomiton.Storage.Sync.Conflicts;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Planning;

/// <summary>One planned step for one key, with the human reason and the preconditions the executor will send.</summary>
public sealed record SyncAction
{
    /// <summary>The key (for a move, the new key).</summary>
    public required string Key { get; init; }

    /// <summary>What is done.</summary>
    public required SyncActionKind Kind { get; init; }

    /// <summary>A human sentence: what each side did and what follows (<c>A modified, B unchanged → copy A→B</c>).</summary>
    public required string Reason { get; init; }

    /// <summary>The side whose version is copied (copy, move), or null.</summary>
    public SyncSide? From { get; init; }

    /// <summary>The side that changes (copy, delete, move), or null.</summary>
    public SyncSide? To { get; init; }

    /// <summary>The key state the plan was made from.</summary>
    public required SyncKeyState State { get; init; }

    /// <summary>For a move: the key it moves from.</summary>
    public string? PreviousKey { get; init; }

    /// <summary>For a move: the state of <see cref="PreviousKey"/>.</summary>
    public SyncKeyState? PreviousState { get; init; }

    /// <summary>For a conflict: the policy that decides it.</summary>
    public ConflictPolicy? Policy { get; init; }

    /// <summary>For a conflict decided at plan time: the side whose version keeps the key.</summary>
    public SyncSide? Winner { get; init; }

    /// <summary>For a keep-both conflict: the conflict-copy key the loser gets (first choice; <c>-2</c>… on a collision).</summary>
    public string? ConflictCopyKey { get; init; }

    /// <summary>Bytes this action transfers (0 when none).</summary>
    public long Bytes { get; init; }

    /// <summary>True when the action changes an engine (copy, delete, move, a conflict not skipped).</summary>
    public bool IsMutation => Kind is SyncActionKind.Copy or SyncActionKind.Delete or SyncActionKind.Move or SyncActionKind.Conflict;

    /// <summary>The precondition sent to the target: <c>if-match &lt;etag&gt;</c> or <c>create-only</c>.</summary>
    public string Precondition => To is { } target && State.Of(target) is { } current ? $"if-match {current.ETag}" : "create-only";
}
