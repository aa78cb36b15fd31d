using System.Globalization;
using Xunit.Abstractions;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>
/// The deterministic simulation over many seeds (invariants I1–I7 of docs/sync.md). The default run
/// checks <see cref="DefaultSeeds"/> seeds; SYNC_SIM_SEEDS=N runs N, SYNC_SIM_SEED=S replays one.
/// </summary>
public sealed class SyncSimulationTests(ITestOutputHelper output)
{
    public const int DefaultSeeds = 10_000;

    [Fact]
    public async Task Every_seed_keeps_every_acknowledged_write_converges_and_reruns_with_zero_writes()
    {
        var (first, count) = Seeds();
        var failures = new List<string>();
        for (int seed = first; seed < first + count && failures.Count < 3; seed++)
        {
            if (await SyncSimulation.CheckAsync(seed) is { } failure)
            {
                failures.Add(failure);
            }
        }

        output.WriteLine($"{count} seeds from {first}; {failures.Count} failed");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_trace()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            var first = new SyncSimulation(seed);
            await first.RunAsync();
            var second = new SyncSimulation(seed);
            await second.RunAsync();
            Assert.True(first.Trace == second.Trace, $"seed {seed} gave two different traces");
            Assert.Equal(first.Operations, second.Operations);
        }
    }

    private static (int First, int Count) Seeds()
    {
        if (Environment.GetEnvironmentVariable("SYNC_SIM_SEED") is { Length: > 0 } one)
        {
            return (int.Parse(one, CultureInfo.InvariantCulture), 1);
        }

        return (0, Environment.GetEnvironmentVariable("SYNC_SIM_SEEDS") is { Length: > 0 } many ? int.Parse(many, CultureInfo.InvariantCulture) : DefaultSeeds);
    }
}
