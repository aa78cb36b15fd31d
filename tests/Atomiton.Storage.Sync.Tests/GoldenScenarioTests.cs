using System.Text;
using Atomiton.Storage.Sync.Planning;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>
/// Scenarios named after rclone bisync's test cases, each with its committed expected plan and final
/// trees in Golden/&lt;name&gt;.txt. To accept a deliberate change: SYNC_GOLDEN_UPDATE=1 and review the diff.
/// </summary>
public sealed class GoldenScenarioTests
{
    public static TheoryData<string> Names => [.. Scenarios.Keys];

    private static readonly Dictionary<string, Func<SyncWorld, Task>> Scenarios = new()
    {
        ["basic"] = async world =>
        {
            await world.WriteAsync(SyncSide.A, "file1.txt", "new on A");
            await world.WriteAsync(SyncSide.B, "subdir/file20.txt", "new on B");
        },
        ["changes"] = async world =>
        {
            await world.WriteAsync(SyncSide.A, "file2.txt", "changed on A");
            await world.WriteAsync(SyncSide.B, "file3.txt", "changed on B");
            await world.DeleteAsync(SyncSide.A, "file4.txt");
            await world.DeleteAsync(SyncSide.B, "file5.txt");
            await world.WriteAsync(SyncSide.A, "file6.txt", "edited on A");
            await world.DeleteAsync(SyncSide.B, "file6.txt");
        },
        ["equal"] = async world =>
        {
            await world.WriteAsync(SyncSide.A, "file2.txt", "same edit");
            await world.WriteAsync(SyncSide.B, "file2.txt", "same edit");
        },
        ["resolve"] = async world =>
        {
            await world.WriteAsync(SyncSide.A, "flows/flow-123.json", "{\"laptop\":true}");
            await world.WriteAsync(SyncSide.B, "flows/flow-123.json", "{\"cloud\":true}");
            await world.WriteAsync(SyncSide.A, "new-both.txt", "from A");
            await world.WriteAsync(SyncSide.B, "new-both.txt", "from B");
        },
        ["max_delete_path1"] = async world =>
        {
            for (int i = 1; i <= 11; i++)
            {
                await world.DeleteAsync(SyncSide.A, $"file{i}.txt");
            }
        },
        ["all_changed"] = async world =>
        {
            for (int i = 1; i <= 12; i++)
            {
                await world.WriteAsync(SyncSide.B, $"file{i}.txt", $"rewritten {i}");
            }
        },
        ["dry_run"] = async world =>
        {
            await world.WriteAsync(SyncSide.A, "file1.txt", "dry");
            await world.DeleteAsync(SyncSide.B, "file2.txt");
        },
        ["normalization"] = async world =>
        {
            await world.WriteAsync(SyncSide.A, "caf\u00e9.txt", "NFC");
            await world.WriteAsync(SyncSide.B, "cafe\u0301.txt", "NFD");
            await world.WriteAsync(SyncSide.A, "Report.json", "upper");
            await world.WriteAsync(SyncSide.A, "report.json", "lower");
        },
        ["extended_filenames"] = async world =>
        {
            foreach (string key in new[] { "spaces  in name .txt", "émoji-😀/世界.txt", "CON", "a%2e%2e/b", "~tilde", ".hidden", "trailing." })
            {
                await world.WriteAsync(SyncSide.A, key, key);
            }
        },
        ["rename"] = async world =>
        {
            await world.MemoryA.MoveAsync("file7.txt", "renamed/file7.txt");
            await world.MemoryA.MoveAsync("file8.txt", "FILE8.txt");
        },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Scenario_plans_and_ends_as_committed(string name)
    {
        await using var world = new SyncWorld();
        if (name is not ("basic" or "normalization" or "extended_filenames"))
        {
            for (int i = 1; i <= 12; i++)
            {
                await world.WriteAsync(SyncSide.A, $"file{i}.txt", $"base {i}");
            }

            Assert.Equal(SyncStatus.Completed, (await world.Pair().RunAsync()).Status);
        }

        await Scenarios[name](world);
        var text = new StringBuilder();
        var plan = await world.Pair().PlanAsync();
        Render(text, "plan", plan);
        if (name != "dry_run")
        {
            var result = await world.Pair().RunAsync();
            text.Append("status: ").Append(result.Status).Append('\n');
        }

        text.Append("A: ").Append(SyncWorld.Render(await world.SnapshotAsync(SyncSide.A))).Append('\n');
        text.Append("B: ").Append(SyncWorld.Render(await world.SnapshotAsync(SyncSide.B))).Append('\n');
        string path = Path.Combine(AppContext.BaseDirectory, "Golden", name + ".txt");
        string source = Path.Combine(SourceFolder(), "Golden", name + ".txt");
        if (Environment.GetEnvironmentVariable("SYNC_GOLDEN_UPDATE") == "1")
        {
            await File.WriteAllTextAsync(source, text.ToString());
            return;
        }

        Assert.True(File.Exists(path), $"Golden/{name}.txt is missing; create it with SYNC_GOLDEN_UPDATE=1 and review it.");
        Assert.Equal(await File.ReadAllTextAsync(path), text.ToString());
    }

    internal static void Render(StringBuilder text, string title, SyncPlan plan)
    {
        text.Append(title).Append(" (").Append(plan.Mode).Append(plan.ModeReason is null ? "" : ": " + plan.ModeReason).Append(")\n");
        foreach (var action in plan.Actions)
        {
            text.Append("  ").Append(action.Kind).Append(' ').Append(action.Key);
            if (action.PreviousKey is not null)
            {
                text.Append(" (from ").Append(action.PreviousKey).Append(')');
            }

            text.Append(" — ").Append(action.Reason).Append('\n');
        }

        var t = plan.Totals;
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"  totals: {t.CopiesAToB} A→B, {t.CopiesBToA} B→A, {t.DeletesOnA} deletes on A, {t.DeletesOnB} deletes on B, {t.Moves} moves, {t.Conflicts} conflicts, {t.Recorded} recorded, {t.Forgotten} forgotten, {t.Skipped} skipped\n");
        foreach (var verdict in plan.Verdicts)
        {
            text.Append("  valve ").Append(verdict.Valve).Append(" on ").Append(verdict.Side).Append(": ").Append(verdict.Message).Append(" — ").Append(verdict.Override).Append('\n');
        }
    }

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
