using Xunit.Abstractions;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>
/// Crash-point enumeration (Unison's interruption invariant made executable): for each of
/// <see cref="Scenarios"/> scripted scenarios, crash the sync right after mutation k, for every k of
/// the uninterrupted run, restart from the committed state and finish: the final trees equal the
/// uninterrupted run's.
/// </summary>
public sealed class CrashPointTests(ITestOutputHelper output)
{
    public const int Scenarios = 200;

    private static readonly string[] Keys = ["a", "b", "c/d", "c/e", "f.json", "g/h/i", "j", "k"];

    [Fact]
    public async Task Crashing_after_any_mutation_then_resuming_ends_like_the_uninterrupted_run()
    {
        int crashes = 0;
        for (int scenario = 0; scenario < Scenarios; scenario++)
        {
            await using var reference = await SetUpAsync(scenario);
            reference.A.ResetCounters();
            reference.B.ResetCounters();
            await QuiesceAsync(reference);
            int mutations = reference.A.Mutations + reference.B.Mutations;
            string expected = await RenderAsync(reference);
            for (int k = 1; k <= mutations; k++)
            {
                await using var world = await SetUpAsync(scenario);
                int seen = 0;
                void Crash(string operation, string? key)
                {
                    if (++seen == k)
                    {
                        throw world.Crash($"crash after mutation {k} ({operation} {key})");
                    }
                }

                world.A.AfterMutation = Crash;
                world.B.AfterMutation = Crash;
                await Assert.ThrowsAsync<SimulatedCrash>(() => world.Pair().RunAsync());
                crashes++;
                world.Restart();
                world.A.AfterMutation = null;
                world.B.AfterMutation = null;
                await QuiesceAsync(world);
                string actual = await RenderAsync(world);
                Assert.True(expected == actual, $"scenario {scenario}, crash after mutation {k} of {mutations}:\n  expected {expected}\n  actual   {actual}");
            }
        }

        output.WriteLine($"{Scenarios} scenarios, {crashes} crash points");
    }

    private static async Task<SyncWorld> SetUpAsync(int scenario)
    {
        var random = new Random(scenario);
        var world = new SyncWorld();
        foreach (string key in Keys.Where(_ => random.Next(3) > 0))
        {
            await world.WriteAsync(random.Next(2) == 0 ? SyncSide.A : SyncSide.B, key, $"base-{key}");
        }

        await world.Pair().RunAsync();
        int changes = random.Next(1, 7);
        for (int i = 0; i < changes; i++)
        {
            var side = random.Next(2) == 0 ? SyncSide.A : SyncSide.B;
            string key = Keys[random.Next(Keys.Length)];
            if (random.Next(4) == 0)
            {
                await world.DeleteAsync(side, key);
            }
            else
            {
                await world.WriteAsync(side, key, $"s{scenario}-{i}");
            }
        }

        return world;
    }

    private static async Task QuiesceAsync(SyncWorld world)
    {
        for (int run = 0; run < 6; run++)
        {
            var result = await world.Pair().RunAsync();
            if (result.Status == SyncStatus.SafetyAbort)
            {
                world.Options = world.Options with { Force = true };
                continue;
            }

            if (result.Plan.IsEmpty)
            {
                return;
            }
        }

        Assert.Fail("no convergence after 6 runs");
    }

    private static async Task<string> RenderAsync(SyncWorld world)
    {
        var a = SyncWorld.Render(await world.SnapshotAsync(SyncSide.A));
        var b = SyncWorld.Render(await world.SnapshotAsync(SyncSide.B));
        Assert.Equal(a, b);
        return a;
    }
}
