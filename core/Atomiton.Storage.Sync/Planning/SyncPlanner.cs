using System.Globalization;
using System.Text;
using Atomiton.Storage.Sync.Conflicts;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Planning;

/// <summary>
/// The three-way planner: a pure function of each key's base and what each side holds now. Each side
/// is compared only with its own base ETag (and hash), never with the other side's clock.
/// Deterministic: the same input gives the same plan.
/// </summary>
public static class SyncPlanner
{
    /// <summary>Plans <paramref name="input"/> under <paramref name="options"/>.</summary>
    public static SyncPlan Plan(SyncPlanInput input, SyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var decided = new List<SyncAction>(input.States.Count);
        int modifiedA = 0, modifiedB = 0;
        foreach (var state in input.States.OrderBy(state => state.Key, StringComparer.Ordinal))
        {
            if (state.IsSettled)
            {
                continue;
            }

            modifiedA += SideChanges.Of(state, SyncSide.A) == SideChange.Modified ? 1 : 0;
            modifiedB += SideChanges.Of(state, SyncSide.B) == SideChange.Modified ? 1 : 0;
            decided.Add(Decide(state, input.Mode, options));
        }

        var actions = CheckCollisions(PairRenames(decided), input);
        var verdicts = new List<SafetyVerdict>(input.Verdicts);
        AddValves(verdicts, actions, input, modifiedA, modifiedB, options);
        return new SyncPlan
        {
            Actions = Order(actions),
            Totals = Count(actions),
            Verdicts = verdicts,
            Mode = input.Mode,
            ModeReason = input.ModeReason,
        };
    }

    /// <summary>The action for one key, without the batch checks (renames, collisions, valves).</summary>
    public static SyncAction Decide(SyncKeyState state, SyncMode mode, SyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        var a = SideChanges.Of(state, SyncSide.A);
        var b = SideChanges.Of(state, SyncSide.B);
        string seen = $"A {a.Describe()}, B {b.Describe()}";

        if (a.IsSame() && b.IsSame())
        {
            return Make(state, SyncActionKind.Record, $"{seen} → record the new ETags, no transfer");
        }

        if (a == SideChange.Deleted && b == SideChange.Deleted)
        {
            return Make(state, SyncActionKind.Forget, $"{seen} → forget the key");
        }

        if (a.IsChanged() && b.IsChanged())
        {
            return state.A!.SameContentAs(state.B)
                ? Make(state, SyncActionKind.Record, $"{seen} to the same content → record, no transfer")
                : Conflict(state, seen, options);
        }

        foreach (var (from, to, fromChange, toChange) in new[] { (SyncSide.A, SyncSide.B, a, b), (SyncSide.B, SyncSide.A, b, a) })
        {
            if (fromChange.IsChanged() && (toChange.IsSame() || toChange == SideChange.Absent))
            {
                return Copy(state, from, to, $"{seen} → copy {from}→{to}");
            }

            if (fromChange == SideChange.Deleted && toChange.IsSame())
            {
                return mode == SyncMode.Merge
                    ? Copy(state, to, from, $"{seen}; a merge propagates no deletion → copy {to}→{from} back")
                    : Make(state, SyncActionKind.Delete, $"{seen} → delete on {to} (to its trash)") with { To = to };
            }

            if (fromChange == SideChange.Deleted && toChange.IsChanged())
            {
                return options.DeleteVsModify == DeleteVsModify.DeleteWins && mode == SyncMode.Normal
                    ? Make(state, SyncActionKind.Delete, $"{seen}; delete wins (DeleteWins) → delete on {to} (to its trash)") with { To = to }
                    : Copy(state, to, from, $"{seen}; the edit beats the delete → copy {to}→{from}");
            }
        }

        throw new InvalidOperationException($"No rule for key '{state.Key}': {seen}.");
    }

    private static SyncAction Make(SyncKeyState state, SyncActionKind kind, string reason) =>
        new() { Key = state.Key, Kind = kind, Reason = reason, State = state };

    private static SyncAction Copy(SyncKeyState state, SyncSide from, SyncSide to, string reason) =>
        Make(state, SyncActionKind.Copy, reason) with { From = from, To = to, Bytes = state.Of(from)!.Size };

    private static SyncAction Conflict(SyncKeyState state, string seen, SyncOptions options)
    {
        var policy = options.Conflicts;
        string differ = state.A!.Sha256 is null || state.B!.Sha256 is null
            ? "contents not known to be equal (compared before resolving)"
            : "contents differ";
        if (policy == ConflictPolicy.Skip)
        {
            return Make(state, SyncActionKind.Skip, $"{seen}, {differ} → conflict left unresolved (skip policy); resolve it and run again");
        }

        var conflict = Make(state, SyncActionKind.Conflict, string.Empty) with { Policy = policy };
        if (policy == ConflictPolicy.Custom)
        {
            return conflict with { Reason = $"{seen}, {differ} → conflict, the custom resolver decides" };
        }

        SyncSide winner = policy switch
        {
            ConflictPolicy.PreferA => SyncSide.A,
            ConflictPolicy.PreferB => SyncSide.B,
            _ => NewerOf(state, options.PrimarySide),
        };
        SyncSide loser = winner.Other();
        if (policy == ConflictPolicy.KeepBoth)
        {
            string copy = ConflictCopyNames.For(state.Key, state.Of(loser)!.Updated, options.ReplicaNameOf(loser));
            return conflict with
            {
                Winner = winner,
                ConflictCopyKey = copy,
                Bytes = state.Of(winner)!.Size + (2 * state.Of(loser)!.Size),
                Reason = $"{seen}, {differ} → keep both: {winner} keeps the key (newer), {loser}'s version becomes '{copy}' on both sides",
            };
        }

        return conflict with
        {
            Winner = winner,
            Bytes = state.Of(winner)!.Size,
            Reason = $"{seen}, {differ} → {winner} wins ({PolicyName(policy)}), {loser}'s version goes to {loser}'s trash",
        };
    }

    internal static SyncSide NewerOf(SyncKeyState state, SyncSide primary)
    {
        int order = state.A!.Updated.CompareTo(state.B!.Updated);
        return order > 0 ? SyncSide.A : order < 0 ? SyncSide.B : primary;
    }

    private static string PolicyName(ConflictPolicy policy) => policy switch
    {
        ConflictPolicy.NewerWins => "newer wins",
        ConflictPolicy.PreferA => "prefer A",
        ConflictPolicy.PreferB => "prefer B",
        _ => policy.ToString(),
    };

    /// <summary>A delete on the other side paired with a create of the same content on one side is a rename: replay it as a move.</summary>
    private static List<SyncAction> PairRenames(List<SyncAction> actions)
    {
        var deletes = actions.Where(action => action.Kind == SyncActionKind.Delete && action.State.Base?.Sha256 is not null
                && SideChanges.Of(action.State, action.To!.Value).IsSame())
            .GroupBy(action => (action.To!.Value, Fingerprint(action.State.Base!)))
            .Where(group => group.Count() == 1)
            .ToDictionary(group => group.Key, group => group.Single());
        if (deletes.Count == 0)
        {
            return actions;
        }

        var creates = actions.Where(action => action.Kind == SyncActionKind.Copy && action.State.Of(action.To!.Value) is null
                && action.State.Of(action.From!.Value)!.Sha256 is not null)
            .GroupBy(action => (action.To!.Value, Fingerprint(action.State.Of(action.From!.Value)!)))
            .Where(group => group.Count() == 1)
            .ToDictionary(group => group.Key, group => group.Single());
        var replaced = new HashSet<SyncAction>(ReferenceEqualityComparer.Instance);
        var moves = new List<SyncAction>();
        foreach (var (slot, delete) in deletes)
        {
            if (!creates.TryGetValue(slot, out var create))
            {
                continue;
            }

            replaced.Add(delete);
            replaced.Add(create);
            moves.Add(new SyncAction
            {
                Key = create.Key,
                Kind = SyncActionKind.Move,
                From = create.From,
                To = create.To,
                State = create.State,
                PreviousKey = delete.Key,
                PreviousState = delete.State,
                Reason = $"{create.From} renamed '{delete.Key}' to '{create.Key}' (same content), {create.To} unchanged → move on {create.To}",
            });
        }

        return [.. actions.Where(action => !replaced.Contains(action)), .. moves];
    }

    private static string Fingerprint(SyncBase synced) => $"{synced.Size}:{synced.Sha256}:{synced.ContentType}:{synced.MetadataDigest}";

    private static string Fingerprint(SyncVersion version) => $"{version.Size}:{version.Sha256}:{version.ContentType}:{version.MetadataDigest}";

    /// <summary>Creates a side cannot store (its key rules refuse the name, or it folds two keys into one) become skips with the reason.</summary>
    private static List<SyncAction> CheckCollisions(List<SyncAction> actions, SyncPlanInput input)
    {
        var claimed = new Dictionary<(SyncSide, string), string>();
        var movedAway = actions.Where(action => action.Kind == SyncActionKind.Move).Select(action => (action.To!.Value, action.PreviousKey!)).ToHashSet();
        foreach (var move in actions.Where(action => action.Kind == SyncActionKind.Move))
        {
            if (Folds(input.RulesOf(move.To!.Value)))
            {
                claimed[(move.To!.Value, Fold(move.Key, input.RulesOf(move.To!.Value)))] = move.Key;
            }
        }

        var result = new List<SyncAction>(actions.Count);
        foreach (var action in actions.OrderBy(action => action.Key, StringComparer.Ordinal))
        {
            if (action.Kind is not (SyncActionKind.Copy or SyncActionKind.Move or SyncActionKind.Conflict) || action.To is not { } target
                || (action.Kind != SyncActionKind.Move && action.State.Of(target) is not null))
            {
                result.Add(action);
                continue;
            }

            var rules = input.RulesOf(target);
            if (rules.Explain(action.Key) is { } why)
            {
                result.Add(Skip(action, $"'{action.Key}' cannot be stored on {target}: {why}. Rename it on {action.From} (or exclude it) and run again"));
                continue;
            }

            if (!Folds(rules) || action.Kind == SyncActionKind.Move)
            {
                result.Add(action);
                continue;
            }

            string folded = Fold(action.Key, rules);
            string? existing = claimed.GetValueOrDefault((target, folded)) ?? input.FindFolded?.Invoke(target, folded);
            if (existing is not null && existing != action.Key && !movedAway.Contains((target, existing)))
            {
                result.Add(Skip(action, $"'{action.Key}' collides on {target} with '{existing}' ({What(rules)}); {target} would store them as one object. Rename one of them and run again"));
                continue;
            }

            claimed[(target, folded)] = action.Key;
            result.Add(action);
        }

        return result;
    }

    private static SyncAction Skip(SyncAction action, string reason) =>
        action with { Kind = SyncActionKind.Skip, Reason = reason, Bytes = 0, Winner = null, ConflictCopyKey = null };

    private static bool Folds(StorageKeyRules rules) => rules.CaseInsensitive || rules.UnicodeNormalization is not null;

    private static string What(StorageKeyRules rules) =>
        rules.CaseInsensitive && rules.UnicodeNormalization is not null ? "it ignores case and normalises Unicode"
        : rules.CaseInsensitive ? "it ignores case" : "it normalises Unicode";

    /// <summary>The folded form of <paramref name="key"/> under <paramref name="rules"/> (normalisation, then case).</summary>
    public static string Fold(string key, StorageKeyRules rules)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(rules);
        string folded = rules.UnicodeNormalization is null ? key : key.Normalize(FormOf(rules.UnicodeNormalization));
        return rules.CaseInsensitive ? folded.ToUpperInvariant() : folded;
    }

    private static NormalizationForm FormOf(string name) => name.ToUpperInvariant() switch
    {
        "NFD" => NormalizationForm.FormD,
        "NFKC" => NormalizationForm.FormKC,
        "NFKD" => NormalizationForm.FormKD,
        _ => NormalizationForm.FormC,
    };

    private static void AddValves(List<SafetyVerdict> verdicts, List<SyncAction> actions, SyncPlanInput input, int modifiedA, int modifiedB, SyncOptions options)
    {
        var counts = input.Counts;
        const string Override = "check the numbers, then run again with --force (library: SyncOptions.Force = true)";
        foreach (var side in new[] { SyncSide.A, SyncSide.B })
        {
            if (input.Mode == SyncMode.Normal && counts.Synced > 0 && counts.PresentOn(side) == 0)
            {
                verdicts.Add(new SafetyVerdict(SafetyValve.EmptySide, side,
                    $"side {side} had {counts.Synced} synced keys and now lists none (an unmounted disk, an emptied or replaced store?)",
                    Override, options.Force));
            }

            int deletes = actions.Count(action => action.Kind == SyncActionKind.Delete && action.To == side);
            bool overCount = options.MaxDeleteCount is { } max && deletes > max;
            bool overShare = deletes > options.MaxDeleteMinKeys && deletes * 100.0 > options.MaxDeletePercent * counts.Synced;
            if (overCount || overShare)
            {
                string limit = overCount
                    ? $"the limit of {options.MaxDeleteCount} (--max-delete)"
                    : $"{options.MaxDeletePercent.ToString(CultureInfo.InvariantCulture)}% of {counts.Synced} synced keys (--max-delete; up to {options.MaxDeleteMinKeys} never trip it)";
                verdicts.Add(new SafetyVerdict(SafetyValve.MaxDelete, side, $"{deletes} deletes planned on side {side}, over {limit}", Override, options.Force));
            }

            int modified = side == SyncSide.A ? modifiedA : modifiedB;
            if (counts.Synced > options.MaxDeleteMinKeys && modified >= counts.Synced)
            {
                verdicts.Add(new SafetyVerdict(SafetyValve.AllChanged, side,
                    $"all {counts.Synced} synced keys changed on side {side} (a tool or a clock rewrote everything?)", Override, options.Force));
            }
        }
    }

    private static List<SyncAction> Order(List<SyncAction> actions) =>
        [.. actions.OrderBy(action => action.Kind switch
        {
            SyncActionKind.Move => 1,
            SyncActionKind.Delete => 2,
            SyncActionKind.Forget => 3,
            _ => 0,
        }).ThenBy(action => action.Key, StringComparer.Ordinal)];

    private static SyncTotals Count(List<SyncAction> actions) => new()
    {
        CopiesAToB = actions.Count(action => action.Kind == SyncActionKind.Copy && action.To == SyncSide.B),
        CopiesBToA = actions.Count(action => action.Kind == SyncActionKind.Copy && action.To == SyncSide.A),
        DeletesOnA = actions.Count(action => action.Kind == SyncActionKind.Delete && action.To == SyncSide.A),
        DeletesOnB = actions.Count(action => action.Kind == SyncActionKind.Delete && action.To == SyncSide.B),
        Moves = actions.Count(action => action.Kind == SyncActionKind.Move),
        Conflicts = actions.Count(action => action.Kind == SyncActionKind.Conflict),
        Recorded = actions.Count(action => action.Kind == SyncActionKind.Record),
        Forgotten = actions.Count(action => action.Kind == SyncActionKind.Forget),
        Skipped = actions.Count(action => action.Kind == SyncActionKind.Skip),
        BytesAToB = actions.Where(action => action.To == SyncSide.B && action.Kind == SyncActionKind.Copy).Sum(action => action.Bytes),
        BytesBToA = actions.Where(action => action.To == SyncSide.A && action.Kind == SyncActionKind.Copy).Sum(action => action.Bytes),
    };
}
