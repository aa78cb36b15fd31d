using System.Security.Cryptography;
using Atomiton.Storage.Sync.Conflicts;
using Atomiton.Storage.Sync.Planning;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Execution;

internal sealed partial class SyncExecutor
{
    private const int MaxNameAttempts = 20;

    private async Task ConflictAsync(SyncAction action, CancellationToken cancellationToken)
    {
        var state = action.State;
        SyncVersion versionA = state.A!, versionB = state.B!;
        if (versionA.Sha256 is null || versionB.Sha256 is null)
        {
            // Content equality is checked before anything is called a conflict.
            versionA = versionA with { Sha256 = Sha(await Transfers.ReadAsync(a.Engine, state.Key, versionA.ETag, cancellationToken)) };
            versionB = versionB with { Sha256 = Sha(await Transfers.ReadAsync(b.Engine, state.Key, versionB.ETag, cancellationToken)) };
            state = state with { A = versionA, B = versionB };
            if (versionA.SameContentAs(versionB))
            {
                await CommitAsync([Synced(state.Key, versionA, versionB)], [], cancellationToken);
                return;
            }
        }

        var policy = action.Policy ?? options.Conflicts;
        SyncSide winner = action.Winner ?? SyncPlanner.NewerOf(state, options.PrimarySide);
        if (policy == ConflictPolicy.Custom)
        {
            var resolver = options.Resolver ?? throw new StorageException(StorageErrorCode.InvalidConfiguration,
                "The conflict policy is Custom but SyncOptions.Resolver is null. Set a resolver or choose another policy.");
            var conflict = new SyncConflict(state.Key, versionA, versionB, state.Base,
                (side, token) => new ValueTask<byte[]>(Transfers.ReadAsync(Engine(side), state.Key, state.Of(side)!.ETag, token)));
            var resolution = await resolver.ResolveAsync(conflict, cancellationToken);
            switch (resolution.Kind)
            {
                case SyncResolutionKind.Skip:
                    Interlocked.Increment(ref _unresolved);
                    await CommitAsync([], [Entry(SyncLogKind.Unresolved, state.Key, $"The resolver left the conflict on '{state.Key}' unresolved; both sides keep their versions.")], cancellationToken);
                    return;
                case SyncResolutionKind.Merged:
                    await MergedAsync(state, resolution, cancellationToken);
                    return;
                case SyncResolutionKind.KeepBoth:
                    policy = ConflictPolicy.KeepBoth;
                    break;
                default:
                    policy = resolution.Kind == SyncResolutionKind.TakeA ? ConflictPolicy.PreferA : ConflictPolicy.PreferB;
                    winner = resolution.Kind == SyncResolutionKind.TakeA ? SyncSide.A : SyncSide.B;
                    break;
            }
        }

        if (policy == ConflictPolicy.KeepBoth)
        {
            await KeepBothAsync(state, winner, cancellationToken);
        }
        else
        {
            await LoserToTrashAsync(state, winner, $"{winner} won ({policy})", cancellationToken);
        }
    }

    private async Task KeepBothAsync(SyncKeyState state, SyncSide winner, CancellationToken cancellationToken)
    {
        SyncSide loser = winner.Other();
        var lost = state.Of(loser)!;
        string original = ConflictCopyNames.OriginalOf(state.Key) ?? state.Key;
        var family = new List<SyncKeyState>();
        await foreach (var member in store.ReadAllAsync(ConflictCopyNames.FamilyPrefix(state.Key), cancellationToken))
        {
            if (member.Key != state.Key && ConflictCopyNames.OriginalOf(member.Key) == original)
            {
                family.Add(member);
            }
        }

        if (family.FirstOrDefault(member => member.A is not null && member.B is not null && member.A.SameContentAs(lost)) is { } same)
        {
            await LoserToTrashAsync(state, winner, $"{winner} keeps the key; {loser}'s version is already kept as '{same.Key}'", cancellationToken);
            return;
        }

        if (family.Count >= options.MaxConflictCopies)
        {
            await LoserToTrashAsync(state, winner, $"{winner} keeps the key; '{state.Key}' already has {family.Count} conflict copies (MaxConflictCopies), so {loser}'s version went to the trash instead", cancellationToken);
            return;
        }

        var (copyKey, onLoser, onWinner) = await WriteConflictCopyAsync(state.Key, loser, winner, lost, cancellationToken);
        var kept = state.Of(winner)!;
        var (read, saved, sha) = await Transfers.CopyAsync(Engine(winner), state.Key, kept.ETag, Engine(loser), state.Key, WriteCondition.IfMatch(lost.ETag), cancellationToken);
        var winnerVersion = SyncVersion.From(read, sha);
        var loserVersion = SyncVersion.From(saved, sha);
        await CommitAsync(
            [
                winner == SyncSide.A ? Synced(state.Key, winnerVersion, loserVersion) : Synced(state.Key, loserVersion, winnerVersion),
                loser == SyncSide.A ? Synced(copyKey, onLoser, onWinner) : Synced(copyKey, onWinner, onLoser),
            ],
            [Entry(SyncLogKind.Conflict, state.Key, $"Both sides changed '{state.Key}'. {winner} ({(winner == SyncSide.A ? a.Name : b.Name)}) keeps the key; {loser}'s version is kept on both sides as '{copyKey}'.", copyKey, loser)],
            cancellationToken);
    }

    /// <summary>Writes the loser's version as a conflict copy on both sides (create-only), reusing a copy of the same content left by an interrupted run.</summary>
    private async Task<(string Key, SyncVersion OnLoser, SyncVersion OnWinner)> WriteConflictCopyAsync(
        string key, SyncSide loser, SyncSide winner, SyncVersion lost, CancellationToken cancellationToken)
    {
        for (int attempt = 1; attempt <= MaxNameAttempts; attempt++)
        {
            string name = ConflictCopyNames.For(key, lost.Updated, options.ReplicaNameOf(loser), attempt);
            var onLoser = await SyncObserver.StatAsync(Engine(loser), name, cancellationToken);
            var onWinner = await SyncObserver.StatAsync(Engine(winner), name, cancellationToken);
            if ((onLoser is not null && !onLoser.SameContentAs(lost)) || (onWinner is not null && !onWinner.SameContentAs(lost)))
            {
                continue;
            }

            if (onLoser is null)
            {
                var (_, saved, sha) = await Transfers.CopyAsync(Engine(loser), key, lost.ETag, Engine(loser), name, WriteCondition.IfNotExists, cancellationToken);
                onLoser = SyncVersion.From(saved, sha);
            }

            if (onWinner is null)
            {
                var (_, saved, sha) = await Transfers.CopyAsync(Engine(loser), key, lost.ETag, Engine(winner), name, WriteCondition.IfNotExists, cancellationToken);
                onWinner = SyncVersion.From(saved, sha);
            }

            return (name, onLoser, onWinner);
        }

        throw new StorageException(StorageErrorCode.Conflict, $"No free conflict-copy name for '{key}' after {MaxNameAttempts} attempts; the conflict is left for the next run.") { Key = key };
    }

    private async Task LoserToTrashAsync(SyncKeyState state, SyncSide winner, string why, CancellationToken cancellationToken)
    {
        SyncSide loser = winner.Other();
        var lost = state.Of(loser)!;
        var kept = state.Of(winner)!;
        string trash = await TrashAsync(loser, state.Key, lost.ETag, cancellationToken);
        var (read, saved, sha) = await Transfers.CopyAsync(Engine(winner), state.Key, kept.ETag, Engine(loser), state.Key, WriteCondition.IfMatch(lost.ETag), cancellationToken);
        var winnerVersion = SyncVersion.From(read, sha);
        var loserVersion = SyncVersion.From(saved, sha);
        await CommitAsync(
            [winner == SyncSide.A ? Synced(state.Key, winnerVersion, loserVersion) : Synced(state.Key, loserVersion, winnerVersion)],
            [
                Entry(SyncLogKind.Conflict, state.Key, $"Both sides changed '{state.Key}': {why}; {loser}'s version is in its trash as '{trash}'.", trash, loser),
                Entry(SyncLogKind.Trashed, state.Key, $"{loser}'s version of '{state.Key}' lost a conflict and is kept as '{trash}' until the trash retention passes.", trash, loser),
            ],
            cancellationToken);
    }

    private async Task MergedAsync(SyncKeyState state, SyncResolution resolution, CancellationToken cancellationToken)
    {
        string trashA = await TrashAsync(SyncSide.A, state.Key, state.A!.ETag, cancellationToken);
        string trashB = await TrashAsync(SyncSide.B, state.Key, state.B!.ETag, cancellationToken);
        byte[] merged = resolution.Content.ToArray();
        string sha = Sha(merged);
        var onA = await Transfers.SaveAsync(a.Engine, state.Key, new MemoryStream(merged, writable: false), WriteCondition.IfMatch(state.A.ETag),
            resolution.ContentType, StorageItem.EmptyMetadata, merged.Length, cancellationToken);
        var onB = await Transfers.SaveAsync(b.Engine, state.Key, new MemoryStream(merged, writable: false), WriteCondition.IfMatch(state.B.ETag),
            resolution.ContentType, StorageItem.EmptyMetadata, merged.Length, cancellationToken);
        await CommitAsync(
            [Synced(state.Key, SyncVersion.From(onA, sha), SyncVersion.From(onB, sha))],
            [Entry(SyncLogKind.Conflict, state.Key, $"Both sides changed '{state.Key}'; the resolver merged them. The originals are in the trash as '{trashA}' (A) and '{trashB}' (B).", trashA)],
            cancellationToken);
    }

    private static string Sha(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
