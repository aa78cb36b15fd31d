using Atomiton.Storage.Host.Migration;

namespace Atomiton.Storage.Host.Tests.Migration;

public sealed class CheckpointTrackerTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "atomiton-cli-tests", Guid.NewGuid().ToString("N"), "m.checkpoint");

    [Fact]
    public void Watermark_advances_only_over_keys_with_nothing_unfinished_below()
    {
        var tracker = new CheckpointTracker(Fresh(), _path);
        tracker.Started("a");
        tracker.Started("b");
        tracker.Started("c");

        tracker.Finished("b", Copied("b"));
        var afterB = Load();
        tracker.Finished("a", Copied("a"));
        var afterA = Load();
        tracker.Finished("c", Copied("c"));
        var afterC = Load();

        Assert.Null(afterB.Watermark);
        Assert.Equal(["b"], afterB.DoneAboveWatermark);
        Assert.Equal("b", afterA.Watermark);
        Assert.Empty(afterA.DoneAboveWatermark);
        Assert.Equal("c", afterC.Watermark);
        Assert.Equal(3, afterC.Verified);
        Assert.Equal(3 * 10, afterC.Bytes);
    }

    [Fact]
    public void Failed_keys_do_not_hold_back_the_watermark_and_are_kept_for_retry()
    {
        var tracker = new CheckpointTracker(Fresh(), _path);
        tracker.Started("a");
        tracker.Started("b");

        tracker.Finished("a", new ObjectOutcome("a", ObjectOutcomeKind.Failed, 0, "boom"));
        tracker.Finished("b", Copied("b"));

        var saved = Load();
        Assert.Equal("b", saved.Watermark);
        Assert.Equal(["a"], saved.Failed);
        Assert.Equal(1, saved.Verified);
    }

    [Fact]
    public void A_resumed_tracker_knows_what_earlier_runs_did_and_clears_a_retried_failure()
    {
        var earlier = Fresh() with { Watermark = "m", DoneAboveWatermark = ["p"], Failed = ["c"], Verified = 12 };
        var tracker = new CheckpointTracker(earlier, _path);

        tracker.RetryFinished("c", Copied("c"));

        Assert.True(tracker.IsDone("p"));
        Assert.False(tracker.IsDone("q"));
        Assert.Equal("m", tracker.Watermark);
        Assert.Empty(tracker.Failed);
        Assert.Equal(13, Load().Verified);
    }

    [Fact]
    public void Keys_an_earlier_run_did_stay_done_until_the_listing_passes_them()
    {
        // Run 1 finished c and d while b was in flight; run 2 starts b and finishes it before it lists c.
        var earlier = Fresh() with { Watermark = "a", DoneAboveWatermark = ["c", "d"], Verified = 3 };
        var tracker = new CheckpointTracker(earlier, _path);
        tracker.Started("b");

        tracker.Finished("b", Copied("b"));

        Assert.True(tracker.IsDone("c"), "c was verified by the earlier run and must not be examined again");
        Assert.True(tracker.IsDone("d"));
        Assert.Equal("b", Load().Watermark);
    }

    [Fact]
    public void The_watermark_never_passes_a_key_this_run_has_not_listed_yet()
    {
        // Run 1 finished d while b and c were in flight, then was killed. Run 2 finishes b, then is
        // killed before it lists c: the checkpoint must still send run 3 back to c.
        var earlier = Fresh() with { Watermark = "a", DoneAboveWatermark = ["d"], Verified = 2 };
        var tracker = new CheckpointTracker(earlier, _path);
        tracker.Started("b");
        tracker.Finished("b", Copied("b"));

        var resumed = new CheckpointTracker(Load(), _path);

        Assert.True(string.CompareOrdinal(resumed.Watermark, "c") < 0, $"watermark {resumed.Watermark} passed c, which no run has migrated");
        Assert.False(resumed.IsDone("c"));
        Assert.True(resumed.IsDone("d"));
    }

    [Fact]
    public void Keys_done_earlier_are_absorbed_into_the_watermark_once_the_listing_passed_them()
    {
        var earlier = Fresh() with { Watermark = "a", DoneAboveWatermark = ["c", "d"], Verified = 3 };
        var tracker = new CheckpointTracker(earlier, _path);
        tracker.Started("b");
        tracker.Finished("b", Copied("b"));
        tracker.Started("e");

        tracker.Finished("e", Copied("e"));

        var saved = Load();
        Assert.Equal("e", saved.Watermark);
        Assert.Empty(saved.DoneAboveWatermark);
        Assert.Equal(5, saved.Verified);
    }

    [Fact]
    public void Save_replaces_the_file_whole_and_leaves_no_temporary_file()
    {
        Fresh().Save(_path);
        (Fresh() with { Watermark = "z" }).Save(_path);

        Assert.Equal("z", Load().Watermark);
        Assert.Equal([Path.GetFileName(_path)], Directory.GetFiles(Path.GetDirectoryName(_path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Load_refuses_a_checkpoint_of_another_migration()
    {
        Fresh().Save(_path);

        var error = Assert.Throws<Cli.CommandLineException>(() => MigrationCheckpoint.Load(_path, "local", "other", ""));

        Assert.Contains("belongs to another migration", error.Message, StringComparison.Ordinal);
    }

    private static MigrationCheckpoint Fresh() => new() { From = "local", To = "archive", Prefix = "" };

    private static ObjectOutcome Copied(string key) => new(key, ObjectOutcomeKind.Copied, 10);

    private MigrationCheckpoint Load() => MigrationCheckpoint.Load(_path, "local", "archive", "")!;

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
}
