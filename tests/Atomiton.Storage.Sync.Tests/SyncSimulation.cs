using System.Text;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Sync.Conflicts;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>
/// One seeded simulation: two memory engines behind the mock, user writes and deletes on both sides
/// injected at random engine calls (during ingest, plan and execute), 429/503 faults through the mock,
/// stale duplicated and reordered feed entries, expired cursors, and crashes at random engine calls
/// (the sync instance is dropped and a new one resumes from the committed state). Then quiescence:
/// no more user operations or faults, runs until nothing is planned. Returns the invariant
/// violations (empty when the seed passes), the user operations and the trace.
/// </summary>
internal sealed class SyncSimulation(int seed, IReadOnlySet<int>? disabledOperations = null)
{
    private static readonly string[] Keys = ["a", "b", "c", "d/e", "d/f", "D/e", "caf\u00e9", "cafe\u0301", "x.conflict-20260101T000000Z-laptop.txt", "deep/er/still/k"];

    private readonly Random _random = new(seed);
    private readonly List<string> _operations = [];
    private readonly Dictionary<string, (SyncSide Side, string Key)> _acknowledged = [];
    private readonly HashSet<string> _superseded = [];
    private readonly Dictionary<SyncSide, List<StorageChange>> _history = new() { [SyncSide.A] = [], [SyncSide.B] = [] };
    private int _operationIndex;
    private bool _chaos;
    private int _crashesLeft;
    private SyncWorld _world = null!;

    public IReadOnlyList<string> Operations => _operations;

    public string Trace { get; private set; } = string.Empty;

    public int Crashes { get; private set; }

    public async Task<List<string>> RunAsync()
    {
        var policy = seed % 5 == 0 ? ConflictPolicy.NewerWins : ConflictPolicy.KeepBoth;
        await using var world = _world = new SyncWorld(new SyncOptions { Conflicts = policy });
        var failures = new List<string>();
        world.A.Hook = (operation, key) => OnCall(SyncSide.A, operation);
        world.B.Hook = (operation, key) => OnCall(SyncSide.B, operation);
        world.A.FeedFilter = page => Perturb(SyncSide.A, page);
        world.B.FeedFilter = page => Perturb(SyncSide.B, page);
        world.A.FeedFault = FeedFault;
        world.B.FeedFault = FeedFault;
        _crashesLeft = _random.Next(3);

        int initial = _random.Next(1, 6);
        for (int i = 0; i < initial; i++)
        {
            await UserOperationAsync();
        }

        int rounds = _random.Next(1, 4);
        for (int round = 0; round < rounds; round++)
        {
            _chaos = true;
            await RunOnceAsync(failures);
            _chaos = false;
            int between = _random.Next(0, 4);
            for (int i = 0; i < between; i++)
            {
                await UserOperationAsync();
            }
        }

        // Quiescence: no users, no faults, no crashes.
        for (int attempt = 0; ; attempt++)
        {
            var result = await RunOnceAsync(failures);
            if (result is { Plan.IsEmpty: true, Failed: 0 })
            {
                break;
            }

            if (attempt == 8)
            {
                failures.Add($"I2 convergence: still planning after 8 quiet runs: {result?.Summary}");
                break;
            }
        }

        var a = await world.SnapshotAsync(SyncSide.A);
        var b = await world.SnapshotAsync(SyncSide.B);
        if (SyncWorld.Render(a) != SyncWorld.Render(b))
        {
            failures.Add($"I2 convergence: A [{SyncWorld.Render(a)}] differs from B [{SyncWorld.Render(b)}]");
        }

        world.A.ResetCounters();
        world.B.ResetCounters();
        var rerun = await world.Pair().RunAsync();
        if (!rerun.Plan.IsEmpty || world.A.Mutations + world.B.Mutations > 0)
        {
            failures.Add($"I3 idempotence: a re-run after convergence made {world.A.Mutations + world.B.Mutations} writes: {rerun.Summary}");
        }

        var trash = (await world.SnapshotAsync(SyncSide.A, trash: true)).Values.Concat((await world.SnapshotAsync(SyncSide.B, trash: true)).Values).ToHashSet();
        foreach (var (payload, (side, key)) in _acknowledged)
        {
            if (_superseded.Contains(payload))
            {
                continue;
            }

            bool onBoth = a.Any(pair => pair.Value == payload && b.GetValueOrDefault(pair.Key) == payload);
            if (!onBoth && !trash.Contains(payload))
            {
                failures.Add($"I1 lost write: '{payload}' written to {side}:'{key}' is on neither side nor in the trash");
            }
        }

        failures.AddRange(world.A.Violations.Select(violation => "I5 " + violation));
        failures.AddRange(world.B.Violations.Select(violation => "I5 " + violation));
        Trace = world.A.Trace.ToString() + "|" + world.B.Trace + "|" + SyncWorld.Render(a);
        return failures;
    }

    private async Task<SyncResult?> RunOnceAsync(List<string> failures)
    {
        var pair = _world.Pair();
        int before = _world.A.Mutations + _world.B.Mutations;
        try
        {
            var result = await pair.RunAsync();
            if (result.Status == SyncStatus.SafetyAbort)
            {
                if (_world.A.Mutations + _world.B.Mutations != before)
                {
                    failures.Add($"I6 a safety abort made {_world.A.Mutations + _world.B.Mutations - before} mutations");
                }

                // The human looks and overrides.
                _world.Options = _world.Options with { Force = true };
                result = await _world.Pair().RunAsync();
                _world.Options = _world.Options with { Force = false };
            }

            return result;
        }
        catch (SimulatedCrash)
        {
            _world.Restart();
            Crashes++;
            return null;
        }
        catch (StorageException e) when (e.IsTransient || e.IsPersistent)
        {
            return null;
        }
    }

    private void OnCall(SyncSide side, string operation)
    {
        if (!_chaos)
        {
            return;
        }

        double roll = _random.NextDouble();
        if (roll < 0.06)
        {
            UserOperationAsync().GetAwaiter().GetResult();
        }
        else if (roll < 0.09)
        {
            var mock = side == SyncSide.A ? _world.MockA : _world.MockB;
            var fault = _random.Next(2) == 0 ? MockFault.RateLimited(TimeSpan.FromSeconds(1)) : new MockFault(StorageErrorCode.NetworkError);
            var target = operation switch
            {
                "save" => MockOperation.Save,
                "load" => MockOperation.Load,
                "stat" => MockOperation.Stat,
                "delete" => MockOperation.Delete,
                "list" => MockOperation.List,
                _ => (MockOperation?)null,
            };
            if (target is { } op)
            {
                mock.Faults.Enqueue(op, fault);
            }
        }
        else if (roll < 0.1 && _crashesLeft > 0)
        {
            _crashesLeft--;
            throw _world.Crash($"crash before {side} {operation}");
        }
    }

    private StorageException? FeedFault()
    {
        if (!_chaos || _random.NextDouble() >= 0.04)
        {
            return null;
        }

        var trust = _random.Next(3) == 0 ? ChangeCursorTrust.Untrusted : ChangeCursorTrust.Trusted;
        return new StorageException(StorageErrorCode.CursorExpired, "simulated expiry") { CursorTrust = trust };
    }

    /// <summary>
    /// At-least-once delivery: re-delivers, in order, every entry since a random earlier point of this
    /// side's feed (as a reader resuming from an older cursor sees), and swaps neighbouring entries
    /// of different keys.
    /// </summary>
    private StorageChangePage Perturb(SyncSide side, StorageChangePage page)
    {
        var history = _history[side];
        var changes = page.Changes.ToList();
        if (_chaos && history.Count > 0 && _random.NextDouble() < 0.3)
        {
            changes.InsertRange(0, history.Skip(_random.Next(history.Count)));
        }

        history.AddRange(page.Changes);

        if (_chaos && changes.Count > 1 && _random.NextDouble() < 0.3)
        {
            int i = _random.Next(changes.Count - 1);
            if (changes[i].Key != changes[i + 1].Key && changes[i].PreviousKey is null && changes[i + 1].PreviousKey is null)
            {
                (changes[i], changes[i + 1]) = (changes[i + 1], changes[i]);
            }
        }

        return page with { Changes = changes };
    }

    private async Task UserOperationAsync()
    {
        int index = _operationIndex++;
        var side = _random.Next(2) == 0 ? SyncSide.A : SyncSide.B;
        string key = Keys[_random.Next(Keys.Length)];
        bool delete = _random.NextDouble() < 0.3;
        string payload = $"p{index}";
        if (disabledOperations?.Contains(index) == true)
        {
            return;
        }

        _operations.Add(delete ? $"#{index} {side} delete '{key}'" : $"#{index} {side} write '{key}' = {payload}");
        if (await _world.ReadAsync(side, key) is { } seen)
        {
            _superseded.Add(seen);
        }

        if (delete)
        {
            await _world.DeleteAsync(side, key);
        }
        else
        {
            await _world.WriteAsync(side, key, payload);
            _acknowledged[payload] = (side, key);
        }
    }

    /// <summary>Runs <paramref name="seed"/> and, when it fails, removes user operations one by one while it still fails.</summary>
    public static async Task<string?> CheckAsync(int seed)
    {
        var simulation = new SyncSimulation(seed);
        var failures = await simulation.RunAsync();
        if (failures.Count == 0)
        {
            return null;
        }

        var disabled = new HashSet<int>();
        var kept = simulation.Operations.Select(operation => int.Parse(operation[1..operation.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var minimal = simulation;
        foreach (int index in kept)
        {
            disabled.Add(index);
            var attempt = new SyncSimulation(seed, disabled);
            if ((await attempt.RunAsync()).Count > 0)
            {
                minimal = attempt;
            }
            else
            {
                disabled.Remove(index);
            }
        }

        var report = new StringBuilder();
        report.Append("seed ").Append(seed).Append(": ").AppendJoin("; ", failures).Append('\n');
        report.Append("  minimized user operations (").Append(minimal.Operations.Count).Append(" of ").Append(simulation.Operations.Count).Append("): ")
            .AppendJoin(", ", minimal.Operations).Append('\n');
        report.Append("  replay: SYNC_SIM_SEED=").Append(seed).Append(" dotnet test tests/Atomiton.Storage.Sync.Tests --filter SyncSimulationTests\n");
        return report.ToString();
    }
}
