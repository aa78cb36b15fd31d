using System.Text;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Plugins.FileSystem;
using Atomiton.Storage.Sync.Planning;
using Atomiton.Storage.Sync.State;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>
/// <see cref="SyncPair.RunContinuouslyAsync"/>: memory engines with change-feed waits (woken by writes,
/// not by polling), a fake clock whose interval never passes unless a test advances it, and the
/// enumeration driven one run at a time. Nothing sleeps: every step waits on a run's result; the
/// hang guard is minutes.
/// </summary>
public sealed class ContinuousSyncTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 15, 30, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _hangGuard = new(TimeSpan.FromMinutes(5));
    private readonly MemorySyncStateStore _state = new();
    private MemoryEngine _memoryA = null!;
    private MemoryEngine _memoryB = null!;
    private SimEngine _a = null!;
    private SimEngine _b = null!;

    public Task InitializeAsync()
    {
        _memoryA = new MemoryEngine(null, _clock);
        _memoryB = new MemoryEngine(null, _clock);
        _a = new SimEngine(_memoryA, "A");
        _b = new SimEngine(_memoryB, "B");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
        _hangGuard.Dispose();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _memoryA.DisposeAsync();
        await _memoryB.DisposeAsync();
        await _state.DisposeAsync();
    }

    private SyncPair Pair(IStorageEngine? a = null) =>
        new(new SyncEndpoint("laptop", a ?? _a), new SyncEndpoint("cloud", _b), _state, new SyncOptions { TimeProvider = _clock, ReplicaNameA = "laptop", ReplicaNameB = "cloud" });

    private IAsyncEnumerator<SyncResult> Runs(SyncPair pair, IProgress<SyncProgress>? progress = null) =>
        pair.RunContinuouslyAsync(Interval, progress, _stop.Token).GetAsyncEnumerator();

    /// <summary>The next run's result (the hang guard fails the test rather than waiting forever).</summary>
    private async Task<SyncResult> NextAsync(IAsyncEnumerator<SyncResult> runs) => await NextAsync(runs.MoveNextAsync().AsTask(), runs);

    private async Task<SyncResult> NextAsync(Task<bool> moved, IAsyncEnumerator<SyncResult> runs)
    {
        Assert.True(await moved.WaitAsync(_hangGuard.Token));
        return runs.Current;
    }

    /// <summary>Runs until one plans nothing (the feed echoes of a run's own writes wake one more run), counting the writes of those runs.</summary>
    private async Task<int> SettleAsync(IAsyncEnumerator<SyncResult> runs, SyncResult last)
    {
        int echoWrites = 0;
        for (int i = 0; !last.Plan.IsEmpty; i++)
        {
            Assert.True(i < 5, "the pair did not settle within 5 runs");
            int before = _a.Mutations + _b.Mutations;
            last = await NextAsync(runs);
            echoWrites += _a.Mutations + _b.Mutations - before;
        }

        return echoWrites;
    }

    private static async Task WriteAsync(IStorageEngine engine, string key, string content) => await engine.SaveAsync(key, Encoding.UTF8.GetBytes(content));

    private static async Task<string?> ReadAsync(MemoryEngine engine, string key) =>
        await engine.ExistsAsync(key) ? Encoding.UTF8.GetString(await engine.LoadBytesAsync(key)) : null;

    [Fact]
    public async Task A_write_on_either_side_during_continuous_mode_is_propagated()
    {
        await WriteAsync(_memoryA, "notes/first", "before");
        await using var runs = Runs(Pair());
        var first = await NextAsync(runs);
        Assert.Equal(1, first.Plan.Totals.CopiesAToB);
        Assert.Equal(0, await SettleAsync(runs, first));

        var waiting = runs.MoveNextAsync().AsTask();
        Assert.False(waiting.IsCompleted);
        await WriteAsync(_memoryB, "notes/from-cloud", "written on B while waiting");
        var fromB = await NextAsync(waiting, runs);
        Assert.Equal(1, fromB.Plan.Totals.CopiesBToA);
        Assert.Equal("written on B while waiting", await ReadAsync(_memoryA, "notes/from-cloud"));
        Assert.Equal(0, await SettleAsync(runs, fromB));

        waiting = runs.MoveNextAsync().AsTask();
        Assert.False(waiting.IsCompleted);
        await WriteAsync(_memoryA, "notes/from-laptop", "written on A while waiting");
        var fromA = await NextAsync(waiting, runs);
        Assert.Equal(1, fromA.Plan.Totals.CopiesAToB);
        Assert.Equal("written on A while waiting", await ReadAsync(_memoryB, "notes/from-laptop"));
        Assert.Equal(SyncStatus.Completed, fromA.Status);
    }

    [Fact]
    public async Task A_side_without_a_feed_wait_is_synced_on_a_run_request_and_after_the_interval()
    {
        string folder = Path.Combine(Path.GetTempPath(), "atomiton-sync-continuous", Guid.NewGuid().ToString("N"));
        try
        {
            await using var disk = new FileSystemEngine(new FileSystemOptions { BaseDir = folder });
            Assert.False(disk.Capabilities.HasFlag(StorageCapabilities.ChangeFeedWait));
            var pair = Pair(disk);
            await using var runs = Runs(pair);
            await SettleAsync(runs, await NextAsync(runs));

            var waiting = runs.MoveNextAsync().AsTask();
            await WriteAsync(disk, "local/saved-by-the-app", "v1");
            Assert.False(waiting.IsCompleted);
            pair.RequestRun();
            var requested = await NextAsync(waiting, runs);
            Assert.Equal(1, requested.Plan.Totals.CopiesAToB);
            Assert.Equal("v1", await ReadAsync(_memoryB, "local/saved-by-the-app"));
            await SettleAsync(runs, requested);

            waiting = runs.MoveNextAsync().AsTask();
            await WriteAsync(disk, "local/another", "v2");
            Assert.False(waiting.IsCompleted);
            _clock.Advance(Interval);
            var timed = await NextAsync(waiting, runs);
            Assert.Equal(1, timed.Plan.Totals.CopiesAToB);
            Assert.Equal("v2", await ReadAsync(_memoryB, "local/another"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Cancelling_while_waiting_stops_with_every_change_committed()
    {
        await WriteAsync(_memoryA, "k", "v");
        await using var runs = Runs(Pair());
        await SettleAsync(runs, await NextAsync(runs));

        var waiting = runs.MoveNextAsync().AsTask();
        await _stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(_hangGuard.Token));
        var pair = await _state.GetPairAsync();
        Assert.NotNull(pair?.LastRun);
        Assert.NotNull(pair.CursorOf(SyncSide.A));
        Assert.NotNull(pair.CursorOf(SyncSide.B));
        Assert.True((await _state.GetAsync("k"))!.IsSettled);
        _a.ResetCounters();
        _b.ResetCounters();
        var next = await Pair().RunAsync();
        Assert.True(next.Plan.IsEmpty);
        Assert.Equal(0, _a.Mutations + _b.Mutations);
        Assert.Equal(0, _a.Listings + _b.Listings);
    }

    [Fact]
    public async Task Cancelling_during_a_run_keeps_the_keys_already_done_and_the_next_run_does_only_the_rest()
    {
        for (int i = 0; i < 20; i++)
        {
            await WriteAsync(_memoryA, $"batch/{i:00}", $"v{i}");
        }

        var cancelAfterFive = new CancelAfter("apply", 5, _stop);
        await using var runs = Runs(Pair(), cancelAfterFive);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runs.MoveNextAsync().AsTask().WaitAsync(_hangGuard.Token));

        int done = 0;
        await foreach (var state in _state.ReadAllAsync())
        {
            done += state.IsSettled ? 1 : 0;
        }

        Assert.Equal(5, done);
        Assert.Equal(5, _b.Mutations);
        _b.ResetCounters();
        var rest = await Pair().RunAsync();
        Assert.Equal(SyncStatus.Completed, rest.Status);
        Assert.Equal(15, rest.Plan.Totals.CopiesAToB);
        Assert.Equal(15, _b.Mutations);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal($"v{i}", await ReadAsync(_memoryB, $"batch/{i:00}"));
        }
    }

    [Fact]
    public async Task An_untrusted_expired_cursor_during_continuous_mode_makes_that_run_a_merge_that_deletes_nothing()
    {
        await WriteAsync(_memoryA, "k", "kept");
        await WriteAsync(_memoryA, "j", "other");
        await using var runs = Runs(Pair());
        await SettleAsync(runs, await NextAsync(runs));

        var waiting = runs.MoveNextAsync().AsTask();
        _b.FeedFault = OneExpiry(ChangeCursorTrust.Untrusted);
        await _memoryB.DeleteAsync("k");
        var merged = await NextAsync(waiting, runs);

        Assert.Equal(SyncMode.Merge, merged.Plan.Mode);
        Assert.Contains("untrusted", merged.Plan.ModeReason, StringComparison.Ordinal);
        Assert.Equal(0, merged.Plan.Totals.DeletesOnA + merged.Plan.Totals.DeletesOnB);
        Assert.Equal("kept", await ReadAsync(_memoryB, "k"));
        Assert.Equal("kept", await ReadAsync(_memoryA, "k"));
        await SettleAsync(runs, merged);

        // Later runs are normal again: a delete now propagates.
        waiting = runs.MoveNextAsync().AsTask();
        await _memoryB.DeleteAsync("j");
        var normal = await NextAsync(waiting, runs);
        Assert.Equal(SyncMode.Normal, normal.Plan.Mode);
        Assert.Equal(1, normal.Plan.Totals.DeletesOnA);
        Assert.Null(await ReadAsync(_memoryA, "j"));
    }

    [Fact]
    public async Task A_trusted_expired_cursor_during_continuous_mode_lists_that_side_again_and_continues_normally()
    {
        await WriteAsync(_memoryA, "k", "v");
        await WriteAsync(_memoryA, "j", "w");
        await using var runs = Runs(Pair());
        await SettleAsync(runs, await NextAsync(runs));

        var waiting = runs.MoveNextAsync().AsTask();
        _b.FeedFault = OneExpiry(ChangeCursorTrust.Trusted);
        _b.Trace.Clear();
        await _memoryB.DeleteAsync("k");
        var relisted = await NextAsync(waiting, runs);

        Assert.Equal(SyncMode.Normal, relisted.Plan.Mode);
        // One full listing of B (the other listing of the run is the trash purge's, under .atomiton-sync/).
        Assert.Single(_b.Trace.ToString().Split('\n'), line => line == "B list ");
        Assert.Equal(1, relisted.Plan.Totals.DeletesOnA);
        Assert.Null(await ReadAsync(_memoryA, "k"));
    }

    [Fact]
    public async Task Feed_wake_ups_without_content_changes_make_no_writes()
    {
        await WriteAsync(_memoryA, "doc", "same bytes");
        await using var runs = Runs(Pair());
        var first = await NextAsync(runs);
        Assert.Equal(1, first.Plan.Totals.CopiesAToB);

        // The run's own copy to B wakes the next run through B's feed: it recognises its write.
        _a.ResetCounters();
        _b.ResetCounters();
        var echo = await NextAsync(runs);
        Assert.True(echo.Plan.IsEmpty, echo.Summary);
        Assert.Equal(0, _a.Mutations + _b.Mutations);

        // Saving the same bytes again (a touch: new ETag, same SHA-256) on each side wakes runs that transfer nothing.
        for (int round = 0; round < 2; round++)
        {
            var waiting = runs.MoveNextAsync().AsTask();
            await WriteAsync(round == 0 ? _memoryA : _memoryB, "doc", "same bytes");
            var touched = await NextAsync(waiting, runs);
            Assert.Equal(0, touched.Plan.Totals.CopiesAToB + touched.Plan.Totals.CopiesBToA + touched.Plan.Totals.Conflicts);
            await SettleAsync(runs, touched);
        }

        // A write outside the synced keys (the sync's reserved prefix) wakes a run that plans nothing.
        var reserved = runs.MoveNextAsync().AsTask();
        await WriteAsync(_memoryB, ".atomiton-sync/note", "not synced");
        var quiet = await NextAsync(reserved, runs);
        Assert.True(quiet.Plan.IsEmpty, quiet.Summary);
        Assert.Equal(0, _a.Mutations + _b.Mutations);
        Assert.Equal("same bytes", await ReadAsync(_memoryB, "doc"));
    }

    private static Func<Exception?> OneExpiry(ChangeCursorTrust trust)
    {
        bool thrown = false;
        return () =>
        {
            if (thrown)
            {
                return null;
            }

            thrown = true;
            return new StorageException(StorageErrorCode.CursorExpired, "simulated expiry") { CursorTrust = trust };
        };
    }

    /// <summary>Cancels when the <paramref name="count"/>th progress report of <paramref name="stage"/> arrives (reports are synchronous).</summary>
    private sealed class CancelAfter(string stage, int count, CancellationTokenSource stop) : IProgress<SyncProgress>
    {
        private int _seen;

        public void Report(SyncProgress value)
        {
            if (value.Phase == stage && ++_seen == count)
            {
                stop.Cancel();
            }
        }
    }
}
