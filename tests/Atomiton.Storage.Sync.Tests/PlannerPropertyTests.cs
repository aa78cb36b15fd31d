using Atomiton.Storage.Sync.Conflicts;
using Atomiton.Storage.Sync.Planning;
using Atomiton.Storage.Sync.State;
using CsCheck;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>
/// CanopyCheck-style planner properties over generated correlated trees: a base perturbed twice
/// (touch, modify, delete, create on each side; case variants, NFC/NFD pairs, deep prefixes, names that
/// look like conflict copies; sometimes a case-folding side B), then plan → shuffle → apply as if
/// every action succeeded → re-plan until nothing is left. Checks termination, convergence, that no
/// changed version is lost, that a folding side never receives two keys it would merge, and that
/// the delete valve matches a straightforward count. CsCheck shrinks a failing case and prints its seed.
/// </summary>
public sealed class PlannerPropertyTests
{
    /// <summary>Cases per run (SYNC_PLANNER_CASES overrides).</summary>
    public const int DefaultCases = 100_000;

    internal static readonly string[] Pool =
    [
        "a", "A", "b/c", "B/c", "caf\u00e9", "cafe\u0301", "d/e/f/g/h", "d/e/f/g/H", "x.json",
        "x.conflict-20261124T153012Z-laptop.json", "x.conflict-20261124T153012Z-cloud.json", ".env", "name.",
        "deep/a/b/c/d/e/f/g/h/i.txt", "flows/flow-1.json", "flows/flow-2.json",
    ];

    [Fact]
    public void Plan_apply_replan_terminates_converges_and_loses_no_version()
    {
        int cases = Environment.GetEnvironmentVariable("SYNC_PLANNER_CASES") is { Length: > 0 } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : DefaultCases;
        Gen.Select(Gen.Int[0, 3].Array[Pool.Length], Gen.Int[0, 5].Array[Pool.Length], Gen.Int[0, 5].Array[Pool.Length], Gen.Bool, Gen.Int[0, 3], Gen.Bool, Gen.Int)
            .Sample((bases, changesA, changesB, foldingB, policy, merge, shuffle) =>
                new PlannerModel(bases, changesA, changesB, foldingB, (ConflictPolicy)policy, merge ? SyncMode.Merge : SyncMode.Normal, shuffle).Check(),
                iter: cases);
    }
}

/// <summary>A model of two sides and a base that applies planned actions as if they succeeded.</summary>
internal sealed class PlannerModel
{
    private readonly Dictionary<string, (string ETag, int Content, long Updated)> _a = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string ETag, int Content, long Updated)> _b = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string ETagA, string ETagB, int Content)> _base = new(StringComparer.Ordinal);
    private readonly HashSet<int> _trash = [];
    private readonly HashSet<int> _mustKeep = [];
    private readonly StorageKeyRules _rulesB;
    private readonly SyncOptions _options;
    private readonly SyncMode _mode;
    private readonly Random _random;
    private int _etags;
    private int _contents = 10_000;
    private long _clock;

    public PlannerModel(int[] bases, int[] changesA, int[] changesB, bool foldingB, ConflictPolicy policy, SyncMode mode, int shuffle)
    {
        _rulesB = foldingB ? new StorageKeyRules { CaseInsensitive = true, UnicodeNormalization = "NFC" } : StorageKeyRules.Default;
        _options = new SyncOptions { Conflicts = policy, Force = true, ReplicaNameA = "laptop", ReplicaNameB = "cloud" };
        _mode = mode;
        _random = new Random(shuffle);
        var folded = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < PlannerPropertyTests.Pool.Length; i++)
        {
            string key = PlannerPropertyTests.Pool[i];
            bool fits = folded.Add(SyncPlanner.Fold(key, _rulesB));
            if (bases[i] > 0 && fits && mode == SyncMode.Normal)
            {
                int content = (i * 100) + bases[i];
                var a = Put(_a, key, content);
                var b = Put(_b, key, content);
                _base[key] = (a, b, content);
            }

            Perturb(_a, key, changesA[i], fits: true);
            Perturb(_b, key, changesB[i], fits);
        }
    }

    private void Perturb(Dictionary<string, (string ETag, int Content, long Updated)> side, string key, int change, bool fits)
    {
        bool present = side.TryGetValue(key, out var now);
        switch (change)
        {
            case 1 when present:
                side[key] = (NewETag(), now.Content, ++_clock);
                break;
            case 2 when present:
            case 4 when fits:
                Put(side, key, ++_contents);
                _mustKeep.Add(_contents);
                break;
            case 3 when present:
                side.Remove(key);
                break;
        }
    }

    private string Put(Dictionary<string, (string ETag, int Content, long Updated)> side, string key, int content)
    {
        string etag = NewETag();
        side[key] = (etag, content, ++_clock);
        return etag;
    }

    private string NewETag() => "e" + (++_etags).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private Dictionary<string, (string ETag, int Content, long Updated)> Side(SyncSide side) => side == SyncSide.A ? _a : _b;

    private static SyncVersion Version((string ETag, int Content, long Updated) value) =>
        new(value.ETag, 1, "h" + value.Content.ToString(System.Globalization.CultureInfo.InvariantCulture), null, string.Empty, DateTimeOffset.UnixEpoch.AddSeconds(value.Updated));

    private List<SyncKeyState> States() =>
    [
        .. _a.Keys.Union(_b.Keys).Union(_base.Keys).Distinct(StringComparer.Ordinal).Select(key => new SyncKeyState(key,
            _a.TryGetValue(key, out var a) ? Version(a) : null,
            _b.TryGetValue(key, out var b) ? Version(b) : null,
            _base.TryGetValue(key, out var s) ? new SyncBase(s.ETagA, s.ETagB, 1, "h" + s.Content.ToString(System.Globalization.CultureInfo.InvariantCulture), null, string.Empty) : null)),
    ];

    public void Check()
    {
        int limit = (2 * PlannerPropertyTests.Pool.Length) + 10;
        bool first = true;
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        for (int round = 0; ; round++)
        {
            if (round > limit)
            {
                throw new InvalidOperationException($"no convergence after {limit} rounds");
            }

            var states = States();
            var foldedKeys = new Dictionary<string, string>(StringComparer.Ordinal);
            if (_rulesB.CaseInsensitive)
            {
                foreach (string key in _b.Keys)
                {
                    foldedKeys.TryAdd(SyncPlanner.Fold(key, _rulesB), key);
                }
            }

            var plan = SyncPlanner.Plan(new SyncPlanInput
            {
                States = [.. states.Where(state => !state.IsSettled)],
                Counts = new SyncStateCounts(_base.Count, _a.Count, _b.Count, states.Count(state => !state.IsSettled)),
                Mode = round == 0 ? _mode : SyncMode.Normal,
                RulesB = _rulesB,
                FindFolded = (side, folded) => side == SyncSide.B ? foldedKeys.GetValueOrDefault(folded) : null,
            }, _options);
            if (first)
            {
                CheckDeleteValve(plan);
                first = false;
            }

            var work = plan.Actions.Where(action => action.Kind != SyncActionKind.Skip).ToList();
            skipped.UnionWith(plan.Actions.Where(action => action.Kind == SyncActionKind.Skip).Select(action => action.Key));
            if (work.Count == 0)
            {
                break;
            }

            foreach (var action in work.OrderBy(_ => _random.Next()))
            {
                Apply(action);
            }

            var foldedB = _b.Keys.GroupBy(key => SyncPlanner.Fold(key, _rulesB)).FirstOrDefault(group => group.Count() > 1);
            if (foldedB is not null)
            {
                throw new InvalidOperationException($"side B folds keys and received both {string.Join(" and ", foldedB)}");
            }
        }

        foreach (var state in States().Where(state => !skipped.Contains(state.Key)))
        {
            if (!state.IsSettled || (state.A is not null && state.A.Sha256 != state.B?.Sha256))
            {
                throw new InvalidOperationException($"'{state.Key}' did not converge: A {state.A?.Sha256}, B {state.B?.Sha256}, base {state.Base?.Sha256}");
            }
        }

        var kept = _a.Values.Select(v => v.Content).Intersect(_b.Values.Select(v => v.Content)).Concat(_trash).ToHashSet();
        var onlyA = _a.Where(pair => skipped.Contains(pair.Key)).Select(pair => pair.Value.Content);
        foreach (int content in _mustKeep.Where(content => !kept.Contains(content) && !onlyA.Contains(content)))
        {
            throw new InvalidOperationException($"version h{content} was lost");
        }
    }

    private void CheckDeleteValve(SyncPlan plan)
    {
        foreach (var side in new[] { SyncSide.A, SyncSide.B })
        {
            int deletes = plan.Actions.Count(action => action.Kind == SyncActionKind.Delete && action.To == side);
            bool expected = deletes > 10 && deletes * 100 > 50 * _base.Count;
            bool tripped = plan.Verdicts.Any(verdict => verdict.Valve == SafetyValve.MaxDelete && verdict.Side == side);
            if (expected != tripped)
            {
                throw new InvalidOperationException($"max-delete verdict {tripped} for {deletes} deletes of {_base.Count} on {side}");
            }
        }
    }

    private void Apply(SyncAction action)
    {
        string key = action.Key;
        switch (action.Kind)
        {
            case SyncActionKind.Record:
                _base[key] = (_a[key].ETag, _b[key].ETag, _a[key].Content);
                break;
            case SyncActionKind.Forget:
                _base.Remove(key);
                break;
            case SyncActionKind.Copy:
                {
                    var from = Side(action.From!.Value);
                    Put(Side(action.To!.Value), key, from[key].Content);
                    _base[key] = (_a[key].ETag, _b[key].ETag, from[key].Content);
                    break;
                }

            case SyncActionKind.Delete:
                {
                    var target = Side(action.To!.Value);
                    _trash.Add(target[key].Content);
                    target.Remove(key);
                    _base.Remove(key);
                    break;
                }

            case SyncActionKind.Move:
                {
                    var target = Side(action.To!.Value);
                    int content = target[action.PreviousKey!].Content;
                    target.Remove(action.PreviousKey!);
                    _base.Remove(action.PreviousKey!);
                    Put(target, key, content);
                    _base[key] = (_a[key].ETag, _b[key].ETag, content);
                    break;
                }

            case SyncActionKind.Conflict:
                {
                    SyncSide winner = action.Winner!.Value, loser = winner == SyncSide.A ? SyncSide.B : SyncSide.A;
                    int lost = Side(loser)[key].Content, won = Side(winner)[key].Content;
                    if (action.Policy == ConflictPolicy.KeepBoth)
                    {
                        string copy = action.ConflictCopyKey!;
                        for (int attempt = 2; (_a.TryGetValue(copy, out var x) && x.Content != lost) || (_b.TryGetValue(copy, out var y) && y.Content != lost); attempt++)
                        {
                            copy = ConflictCopyNames.For(key, DateTimeOffset.UnixEpoch.AddSeconds(Side(loser)[key].Updated), _options.ReplicaNameOf(loser), attempt);
                        }

                        Put(_a, copy, lost);
                        Put(_b, copy, lost);
                        _base[copy] = (_a[copy].ETag, _b[copy].ETag, lost);
                    }
                    else
                    {
                        _trash.Add(lost);
                    }

                    Put(Side(loser), key, won);
                    _base[key] = (_a[key].ETag, _b[key].ETag, won);
                    break;
                }
        }
    }
}
