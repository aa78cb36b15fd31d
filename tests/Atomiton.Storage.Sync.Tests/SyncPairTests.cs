using Atomiton.Storage.Sync.Conflicts;
using Atomiton.Storage.Sync.Planning;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Tests;

public sealed class SyncPairTests
{
    [Fact]
    public async Task First_run_copies_each_side_to_the_other_and_a_rerun_writes_nothing()
    {
        await using var world = new SyncWorld();
        await world.WriteAsync(SyncSide.A, "notes/a.txt", "alpha");
        await world.WriteAsync(SyncSide.B, "notes/b.txt", "beta");
        var first = await world.Pair().RunAsync();
        Assert.Equal(SyncStatus.Completed, first.Status);
        Assert.Equal(SyncMode.Merge, first.Plan.Mode);
        Assert.Equal("beta", await world.ReadAsync(SyncSide.A, "notes/b.txt"));
        Assert.Equal("alpha", await world.ReadAsync(SyncSide.B, "notes/a.txt"));

        world.A.ResetCounters();
        world.B.ResetCounters();
        var second = await world.Pair().RunAsync();
        Assert.True(second.Plan.IsEmpty);
        Assert.Empty(second.Plan.Actions);
        Assert.Equal(0, world.A.Mutations + world.B.Mutations);
        Assert.Equal(1, world.A.Requests);
        Assert.Equal(1, world.B.Requests);
        Assert.Empty(world.A.Violations.Concat(world.B.Violations));
    }

    [Fact]
    public async Task A_delete_on_one_side_propagates_to_the_trash_and_never_comes_back()
    {
        await using var world = new SyncWorld();
        await world.WriteAsync(SyncSide.A, "k", "v1");
        await world.WriteAsync(SyncSide.A, "other", "o");
        await world.Pair().RunAsync();
        await world.DeleteAsync(SyncSide.A, "k");
        var result = await world.Pair().RunAsync();
        Assert.Equal(SyncStatus.Completed, result.Status);
        Assert.Null(await world.ReadAsync(SyncSide.B, "k"));
        var trash = await world.SnapshotAsync(SyncSide.B, trash: true);
        Assert.Contains("v1", trash.Values);
        Assert.Contains(result.Log, entry => entry.Kind == SyncLogKind.Trashed && entry.Key == "k");
        for (int i = 0; i < 2; i++)
        {
            Assert.True((await world.Pair().RunAsync()).Plan.IsEmpty);
            Assert.Null(await world.ReadAsync(SyncSide.A, "k"));
            Assert.Null(await world.ReadAsync(SyncSide.B, "k"));
        }
    }

    [Fact]
    public async Task An_edit_beats_a_delete()
    {
        await using var world = new SyncWorld();
        await world.WriteAsync(SyncSide.A, "k", "v1");
        await world.WriteAsync(SyncSide.A, "other", "o");
        await world.Pair().RunAsync();
        await world.DeleteAsync(SyncSide.A, "k");
        await world.WriteAsync(SyncSide.B, "k", "v2");
        var result = await world.Pair().RunAsync();
        Assert.Equal("v2", await world.ReadAsync(SyncSide.A, "k"));
        Assert.Contains("edit beats the delete", result.Plan.Actions.Single().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Both_sides_changed_keeps_both_with_a_conflict_copy_on_both_sides()
    {
        await using var world = new SyncWorld();
        await world.WriteAsync(SyncSide.A, "flows/flow-123.json", "{}");
        await world.Pair().RunAsync();
        await world.WriteAsync(SyncSide.A, "flows/flow-123.json", "{\"a\":1}");
        await world.WriteAsync(SyncSide.B, "flows/flow-123.json", "{\"b\":2}");
        var result = await world.Pair().RunAsync();
        Assert.Equal(SyncStatus.Completed, result.Status);
        var a = await world.SnapshotAsync(SyncSide.A);
        var b = await world.SnapshotAsync(SyncSide.B);
        Assert.Equal(a, b);
        Assert.Equal("{\"b\":2}", a["flows/flow-123.json"]);
        Assert.Equal("{\"a\":1}", a[Assert.Single(a.Keys, key => key.Contains(".conflict-", StringComparison.Ordinal))]);
        Assert.Equal("flows/flow-123.conflict-20261124T153002Z-laptop.json", a.Keys.Single(key => key.Contains(".conflict-", StringComparison.Ordinal)));
        Assert.True((await world.Pair().RunAsync()).Plan.IsEmpty);
    }

    [Fact]
    public async Task Equal_edits_on_both_sides_are_not_a_conflict()
    {
        await using var world = new SyncWorld();
        await world.WriteAsync(SyncSide.A, "k", "same");
        await world.WriteAsync(SyncSide.B, "k", "same");
        var result = await world.Pair().RunAsync();
        Assert.Equal(SyncActionKind.Record, result.Plan.Actions.Single().Kind);
        Assert.Equal(0, world.A.Mutations + world.B.Mutations);
    }

    [Fact]
    public async Task Max_delete_aborts_before_any_change_and_force_overrides()
    {
        await using var world = new SyncWorld();
        for (int i = 0; i < 20; i++)
        {
            await world.WriteAsync(SyncSide.A, $"k{i:00}", $"v{i}");
        }

        await world.Pair().RunAsync();
        for (int i = 0; i < 12; i++)
        {
            await world.DeleteAsync(SyncSide.A, $"k{i:00}");
        }

        world.A.ResetCounters();
        world.B.ResetCounters();
        var aborted = await world.Pair().RunAsync();
        Assert.Equal(SyncStatus.SafetyAbort, aborted.Status);
        Assert.Equal(0, world.A.Mutations + world.B.Mutations);
        var verdict = Assert.Single(aborted.Plan.Verdicts);
        Assert.Equal(SafetyValve.MaxDelete, verdict.Valve);
        Assert.Contains("12 deletes planned on side B", verdict.Message, StringComparison.Ordinal);
        Assert.Contains("--force", verdict.Override, StringComparison.Ordinal);
        Assert.Equal(20, (await world.SnapshotAsync(SyncSide.B)).Count);

        world.Options = world.Options with { Force = true };
        var forced = await world.Pair().RunAsync();
        Assert.Equal(SyncStatus.Completed, forced.Status);
        Assert.Equal(8, (await world.SnapshotAsync(SyncSide.B)).Count);
    }

    [Fact]
    public async Task A_side_that_lists_empty_aborts()
    {
        await using var world = new SyncWorld();
        await world.WriteAsync(SyncSide.A, "only", "v");
        await world.Pair().RunAsync();
        await world.DeleteAsync(SyncSide.B, "only");
        var result = await world.Pair().RunAsync();
        Assert.Equal(SyncStatus.SafetyAbort, result.Status);
        Assert.Equal(SafetyValve.EmptySide, result.Plan.Verdicts.Single().Valve);
        Assert.Equal("v", await world.ReadAsync(SyncSide.A, "only"));
    }

    [Fact]
    public async Task A_changed_identity_aborts_and_rebaseline_merges_without_deleting()
    {
        await using var world = new SyncWorld();
        await world.WriteAsync(SyncSide.A, "k", "v");
        await world.Pair().RunAsync();
        var moved = new SyncPair(new SyncEndpoint("laptop", world.A) { Identity = "other-disk" }, new SyncEndpoint("cloud", world.B), world.Store, world.Options);
        var result = await moved.RunAsync();
        Assert.Equal(SyncStatus.SafetyAbort, result.Status);
        Assert.Equal(SafetyValve.IdentityChanged, result.Plan.Verdicts.Single().Valve);
        Assert.Contains("sync rebaseline", result.Plan.Verdicts.Single().Override, StringComparison.Ordinal);

        await world.DeleteAsync(SyncSide.A, "k");
        var rebaselined = await moved.RebaselineAsync();
        Assert.Equal(SyncMode.Merge, rebaselined.Plan.Mode);
        Assert.Equal("v", await world.ReadAsync(SyncSide.A, "k"));
        Assert.True((await moved.RunAsync()).Plan.IsEmpty);
    }

    [Fact]
    public async Task An_untrusted_cursor_switches_to_a_merge_that_propagates_no_deletion()
    {
        await using var world = new SyncWorld();
        await world.WriteAsync(SyncSide.A, "k", "v");
        await world.WriteAsync(SyncSide.A, "j", "w");
        await world.Pair().RunAsync();
        await world.DeleteAsync(SyncSide.B, "k");
        world.B.FeedFault = () => new StorageException(StorageErrorCode.CursorExpired, "restored from backup") { CursorTrust = ChangeCursorTrust.Untrusted };
        var result = await world.Pair().RunAsync();
        world.B.FeedFault = null;
        Assert.Equal(SyncMode.Merge, result.Plan.Mode);
        Assert.Contains("untrusted", result.Plan.ModeReason, StringComparison.Ordinal);
        Assert.Equal("v", await world.ReadAsync(SyncSide.B, "k"));
    }

    [Fact]
    public async Task A_write_racing_the_run_is_replanned_not_overwritten()
    {
        await using var world = new SyncWorld();
        await world.WriteAsync(SyncSide.A, "k", "v1");
        await world.Pair().RunAsync();
        await world.WriteAsync(SyncSide.A, "k", "v2");
        bool raced = false;
        world.B.Hook = (operation, key) =>
        {
            if (operation == "save" && key == "k" && !raced)
            {
                raced = true;
                world.WriteAsync(SyncSide.B, "k", "racer").GetAwaiter().GetResult();
            }
        };
        var result = await world.Pair().RunAsync();
        world.B.Hook = null;
        Assert.True(result.Replanned >= 1);
        var a = await world.SnapshotAsync(SyncSide.A);
        Assert.Equal(a, await world.SnapshotAsync(SyncSide.B));
        Assert.Contains("racer", a.Values);
        Assert.Contains("v2", a.Values);
    }

    [Fact]
    public async Task A_rename_runs_as_a_move_and_a_case_only_rename_too()
    {
        await using var world = new SyncWorld();
        await world.WriteAsync(SyncSide.A, "docs/Report.json", "r");
        await world.Pair().RunAsync();
        var content = await world.MemoryA.LoadBytesAsync("docs/Report.json");
        await world.MemoryA.MoveAsync("docs/Report.json", "docs/report.json");
        var result = await world.Pair().RunAsync();
        var move = Assert.Single(result.Plan.Actions);
        Assert.Equal(SyncActionKind.Move, move.Kind);
        Assert.Equal("docs/Report.json", move.PreviousKey);
        Assert.Equal(0, result.Plan.Totals.DeletesOnB);
        Assert.Equal(["docs/report.json"], (await world.SnapshotAsync(SyncSide.B)).Keys);
        Assert.NotEmpty(content);
    }

    [Fact]
    public async Task Custom_resolver_merges_json()
    {
        await using var world = new SyncWorld(new SyncOptions { Conflicts = ConflictPolicy.Custom, Resolver = new JsonMergeResolver() });
        await world.WriteAsync(SyncSide.A, "doc.json", "{\"title\":\"t\"}");
        await world.Pair().RunAsync();
        await world.WriteAsync(SyncSide.A, "doc.json", "{\"title\":\"t\",\"a\":1}");
        await world.WriteAsync(SyncSide.B, "doc.json", "{\"title\":\"t\",\"b\":2}");
        await world.Pair().RunAsync();
        Assert.Equal("{\"title\":\"t\",\"a\":1,\"b\":2}", await world.ReadAsync(SyncSide.A, "doc.json"));
        Assert.Equal("{\"title\":\"t\",\"a\":1,\"b\":2}", await world.ReadAsync(SyncSide.B, "doc.json"));
    }

    [Theory]
    [InlineData(ConflictPolicy.NewerWins, "b2")]
    [InlineData(ConflictPolicy.PreferA, "a2")]
    [InlineData(ConflictPolicy.PreferB, "b2")]
    public async Task Policies_put_the_loser_in_the_trash(ConflictPolicy policy, string expected)
    {
        await using var world = new SyncWorld(new SyncOptions { Conflicts = policy });
        await world.WriteAsync(SyncSide.A, "k", "v");
        await world.Pair().RunAsync();
        await world.WriteAsync(SyncSide.A, "k", "a2");
        await world.WriteAsync(SyncSide.B, "k", "b2");
        await world.Pair().RunAsync();
        Assert.Equal(expected, await world.ReadAsync(SyncSide.A, "k"));
        Assert.Equal(expected, await world.ReadAsync(SyncSide.B, "k"));
        string loser = expected == "a2" ? "b2" : "a2";
        var trash = (await world.SnapshotAsync(SyncSide.A, trash: true)).Values.Concat((await world.SnapshotAsync(SyncSide.B, trash: true)).Values);
        Assert.Contains(loser, trash);
    }

    [Fact]
    public async Task Skip_leaves_the_conflict_and_says_a_human_must_look()
    {
        await using var world = new SyncWorld(new SyncOptions { Conflicts = ConflictPolicy.Skip });
        await world.WriteAsync(SyncSide.A, "k", "a");
        await world.WriteAsync(SyncSide.B, "k", "b");
        var result = await world.Pair().RunAsync();
        Assert.Equal(SyncStatus.NeedsAttention, result.Status);
        Assert.Equal("a", await world.ReadAsync(SyncSide.A, "k"));
        Assert.Equal("b", await world.ReadAsync(SyncSide.B, "k"));
    }

    [Fact]
    public async Task A_transient_failure_records_nothing_and_says_retry_later()
    {
        await using var world = new SyncWorld();
        await world.WriteAsync(SyncSide.A, "k", "v");
        world.MockB.Faults.Enqueue(Mock.MockOperation.Save, StorageErrorCode.NetworkError);
        var result = await world.Pair().RunAsync();
        Assert.Equal(SyncStatus.RetryLater, result.Status);
        Assert.Null(await world.ReadAsync(SyncSide.B, "k"));
        Assert.Null((await world.Store.GetAsync("k"))!.Base);
        Assert.Equal(SyncStatus.Completed, (await world.Pair().RunAsync()).Status);
        Assert.Equal("v", await world.ReadAsync(SyncSide.B, "k"));
    }

    [Fact]
    public async Task A_dry_run_changes_nothing_and_does_not_advance_cursors()
    {
        await using var world = new SyncWorld();
        await world.WriteAsync(SyncSide.A, "k", "v");
        await world.Pair().RunAsync();
        await world.WriteAsync(SyncSide.A, "k", "v2");
        var before = await world.Store.GetPairAsync();
        var plan = await world.Pair().PlanAsync();
        Assert.Equal(1, plan.Totals.CopiesAToB);
        Assert.Equal(before, await world.Store.GetPairAsync());
        Assert.Equal("v", await world.ReadAsync(SyncSide.B, "k"));
        Assert.Equal(1, (await world.Pair().PlanAsync()).Totals.CopiesAToB);
    }

    [Fact]
    public async Task Failover_diverged_keys_are_reconciled_through_the_sync_engine()
    {
        await using var world = new SyncWorld();
        await world.WriteAsync(SyncSide.A, "k", "primary");
        await world.Pair().RunAsync();
        await world.WriteAsync(SyncSide.B, "k", "served-by-secondary");
        var result = await world.Pair().ReconcileKeysAsync(["k"]);
        Assert.Equal(SyncStatus.Completed, result.Status);
        Assert.Equal("served-by-secondary", await world.ReadAsync(SyncSide.A, "k"));
    }
}
