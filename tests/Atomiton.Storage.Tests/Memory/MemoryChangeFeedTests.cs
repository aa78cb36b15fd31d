using Atomiton.Storage.Memory;
using Atomiton.Storage.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Tests.Memory;

/// <summary>The memory engine's change feed beyond the kit: exact pages, native moves, cursors, retention and waits.</summary>
public sealed class MemoryChangeFeedTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Pages_hold_at_most_the_page_size_and_HasMore_is_exact()
    {
        await using var engine = new MemoryEngine();
        var cursor = await engine.GetChangeCursorAsync();
        for (int i = 0; i < 200; i++)
        {
            await engine.SaveAsync($"k/{i:D3}", new byte[] { 1 });
        }

        var first = await engine.ReadChangesAsync(cursor, new ChangeReadOptions { PageSize = 100 });
        var second = await engine.ReadChangesAsync(first.Cursor, new ChangeReadOptions { PageSize = 100 });
        var third = await engine.ReadChangesAsync(second.Cursor, new ChangeReadOptions { PageSize = 100 });

        Assert.Equal(100, first.Changes.Count);
        Assert.True(first.HasMore);
        Assert.Equal(100, second.Changes.Count);
        Assert.False(second.HasMore, "exactly 200 changes fill two pages of 100 with nothing after");
        Assert.Empty(third.Changes);
        Assert.False(third.HasMore);
        Assert.Equal("k/000", first.Changes[0].Key);
        Assert.Equal("k/199", second.Changes[^1].Key);
    }

    [Fact]
    public async Task A_page_skips_changes_outside_the_prefix_and_its_cursor_moves_past_them()
    {
        await using var engine = new MemoryEngine();
        var cursor = await engine.GetChangeCursorAsync("in/");
        await engine.SaveAsync("in/1", new byte[] { 1 });
        for (int i = 0; i < 50; i++)
        {
            await engine.SaveAsync($"out/{i}", new byte[] { 1 });
        }

        await engine.SaveAsync("in/2", new byte[] { 1 });

        var first = await engine.ReadChangesAsync(cursor, new ChangeReadOptions { PageSize = 1 });
        var second = await engine.ReadChangesAsync(first.Cursor, new ChangeReadOptions { PageSize = 1 });

        Assert.Equal(["in/1"], first.Changes.Select(change => change.Key));
        Assert.True(first.HasMore);
        Assert.Equal(["in/2"], second.Changes.Select(change => change.Key));
        Assert.False(second.HasMore);
    }

    [Fact]
    public async Task Native_move_is_one_Moved_change_and_reads_as_delete_or_create_across_the_prefix_edge()
    {
        await using var engine = new MemoryEngine();
        await engine.SaveAsync("a/one", new byte[] { 1 });
        await engine.SaveAsync("b/two", new byte[] { 2 });
        var all = await engine.GetChangeCursorAsync();
        var underA = await engine.GetChangeCursorAsync("a/");

        var movedOut = await engine.MoveAsync("a/one", "b/one");
        var movedIn = await engine.MoveAsync("b/two", "a/two");

        var everything = await engine.ReadChangesAsync(all);
        Assert.Equal(
            [new StorageChange(StorageChangeKind.Moved, "b/one", movedOut, "a/one"), new StorageChange(StorageChangeKind.Moved, "a/two", movedIn, "b/two")],
            everything.Changes);
        var scoped = await engine.ReadChangesAsync(underA);
        Assert.Equal(
            [new StorageChange(StorageChangeKind.Deleted, "a/one"), new StorageChange(StorageChangeKind.Upserted, "a/two", movedIn)],
            scoped.Changes);
    }

    [Fact]
    public async Task Copy_is_an_upsert_and_a_delete_of_a_missing_key_records_nothing()
    {
        await using var engine = new MemoryEngine();
        await engine.SaveAsync("src", new byte[] { 1 });
        var cursor = await engine.GetChangeCursorAsync();

        var copy = await engine.CopyAsync("src", "dst");
        Assert.False(await engine.DeleteAsync("missing"));

        Assert.Equal([new StorageChange(StorageChangeKind.Upserted, "dst", copy)], (await engine.ReadChangesAsync(cursor)).Changes);
    }

    [Fact]
    public async Task A_failed_conditional_write_records_nothing()
    {
        await using var engine = new MemoryEngine();
        await engine.SaveAsync("k", new byte[] { 1 });
        var cursor = await engine.GetChangeCursorAsync();

        await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("k", new byte[] { 2 }, new SaveOptions { Condition = WriteCondition.IfNotExists }));
        await Assert.ThrowsAsync<StorageException>(async () => await engine.DeleteAsync("k", new DeleteOptions { IfMatch = "\"stale\"" }));

        Assert.Empty((await engine.ReadChangesAsync(cursor)).Changes);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("m1.")]
    [InlineData("m1.!!!")]
    [InlineData("m1.bm90LWEtY3Vyc29y")]
    public async Task A_malformed_cursor_is_InvalidArgument_saying_where_cursors_come_from(string cursor)
    {
        await using var engine = new MemoryEngine();

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.ReadChangesAsync(cursor));

        Assert.Equal(StorageErrorCode.InvalidArgument, error.Code);
        Assert.Contains("GetChangeCursorAsync", error.Message, StringComparison.Ordinal);
        Assert.Equal("read-changes", error.Operation);
    }

    [Fact]
    public async Task A_cursor_from_another_instance_is_expired_and_untrusted()
    {
        await using var first = new MemoryEngine();
        await using var second = new MemoryEngine();
        await first.SaveAsync("k", new byte[] { 1 });
        var cursor = await first.GetChangeCursorAsync();

        var read = await Assert.ThrowsAsync<StorageException>(async () => await second.ReadChangesAsync(cursor));
        var wait = await Assert.ThrowsAsync<StorageException>(async () => await second.WaitForChangesAsync(cursor, TimeSpan.FromSeconds(1)));

        Assert.Equal(StorageErrorCode.CursorExpired, read.Code);
        Assert.Equal(ChangeCursorTrust.Untrusted, read.CursorTrust);
        Assert.Contains("full listing", read.Message, StringComparison.Ordinal);
        Assert.Equal(ChangeCursorTrust.Untrusted, wait.CursorTrust);
    }

    [Fact]
    public async Task A_cursor_behind_the_retained_entries_is_expired_and_trusted_and_one_just_inside_is_not()
    {
        await using var engine = new MemoryEngine(new MemoryOptions { ChangeRetentionEntries = 10 });
        var start = await engine.GetChangeCursorAsync();
        await engine.SaveAsync("k/0", new byte[] { 0 });
        var afterFirst = await engine.GetChangeCursorAsync();
        for (int i = 1; i < 10; i++)
        {
            await engine.SaveAsync($"k/{i}", new byte[] { 0 });
        }

        Assert.Equal(10, (await engine.ReadChangesAsync(start)).Changes.Count);
        await engine.SaveAsync("k/10", new byte[] { 0 });

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.ReadChangesAsync(start));
        Assert.Equal(StorageErrorCode.CursorExpired, error.Code);
        Assert.Equal(ChangeCursorTrust.Trusted, error.CursorTrust);
        Assert.Contains("ChangeRetentionEntries", error.Message, StringComparison.Ordinal);
        Assert.Equal(10, (await engine.ReadChangesAsync(afterFirst)).Changes.Count);
    }

    [Fact]
    public async Task Changes_older_than_the_retention_age_are_forgotten_but_a_caught_up_cursor_stays_valid()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var engine = new MemoryEngine(new MemoryOptions { ChangeRetention = TimeSpan.FromHours(1) }, time);
        var behind = await engine.GetChangeCursorAsync();
        await engine.SaveAsync("k", new byte[] { 1 });
        var caughtUp = (await engine.ReadChangesAsync(behind)).Cursor;

        time.Advance(TimeSpan.FromMinutes(59));
        Assert.Single((await engine.ReadChangesAsync(behind)).Changes);
        time.Advance(TimeSpan.FromMinutes(2));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.ReadChangesAsync(behind));
        Assert.Equal(ChangeCursorTrust.Trusted, error.CursorTrust);
        Assert.Empty((await engine.ReadChangesAsync(caughtUp)).Changes);
        Assert.Equal(TimeSpan.FromHours(1), (await engine.GetInfoAsync()).Limits.ChangeRetention);
    }

    [Fact]
    public async Task Default_retention_is_declared_in_the_limits()
    {
        await using var engine = new MemoryEngine();

        var info = await engine.GetInfoAsync();

        Assert.Equal(TimeSpan.FromDays(1), info.Limits.ChangeRetention);
        Assert.Equal("100000", info.Details["changeRetentionEntries"]);
        Assert.True(info.Capabilities.HasFlag(StorageCapabilities.ChangeFeed | StorageCapabilities.ChangeFeedWait));
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(10, 0)]
    public void Retention_that_is_not_positive_is_InvalidConfiguration_naming_the_options(int entries, int seconds)
    {
        var error = Assert.Throws<StorageException>(() => new MemoryEngine(new MemoryOptions { ChangeRetentionEntries = entries, ChangeRetention = TimeSpan.FromSeconds(seconds) }));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("ChangeRetentionEntries", error.Message, StringComparison.Ordinal);
        Assert.Contains("ChangeRetention ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wait_times_out_on_the_engine_clock()
    {
        var time = new FakeTimeProvider();
        await using var engine = new MemoryEngine(null, time);
        var cursor = await engine.GetChangeCursorAsync();

        var wait = engine.WaitForChangesAsync(cursor, TimeSpan.FromSeconds(30)).AsTask();
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.False(await wait.WaitAsync(Guard));
    }

    [Fact]
    public async Task A_wait_is_woken_by_a_write_under_its_prefix_and_not_by_others()
    {
        var time = new FakeTimeProvider();
        await using var engine = new MemoryEngine(null, time);
        var cursor = await engine.GetChangeCursorAsync("watched/");

        var wait = engine.WaitForChangesAsync(cursor, TimeSpan.FromSeconds(30)).AsTask();
        await engine.SaveAsync("other/file", new byte[] { 1 });
        await engine.SaveAsync("watched/file", new byte[] { 1 });

        Assert.True(await wait.WaitAsync(Guard));
    }

    [Fact]
    public async Task A_write_outside_the_prefix_does_not_end_a_wait()
    {
        var time = new FakeTimeProvider();
        await using var engine = new MemoryEngine(null, time);
        var cursor = await engine.GetChangeCursorAsync("watched/");

        var wait = engine.WaitForChangesAsync(cursor, TimeSpan.FromSeconds(30)).AsTask();
        await engine.SaveAsync("other/file", new byte[] { 1 });
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.False(await wait.WaitAsync(Guard));
    }

    [Fact]
    public async Task A_wait_honours_cancellation_and_disposal()
    {
        var time = new FakeTimeProvider();
        var engine = new MemoryEngine(null, time);
        var cursor = await engine.GetChangeCursorAsync();
        using var cancellation = new CancellationTokenSource();

        var cancelled = engine.WaitForChangesAsync(cursor, TimeSpan.FromMinutes(10), cancellation.Token).AsTask();
        var disposed = engine.WaitForChangesAsync(cursor, TimeSpan.FromMinutes(10)).AsTask();
        await cancellation.CancelAsync();
        await engine.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Guard));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => disposed.WaitAsync(Guard));
    }

    [Fact]
    public async Task Cursors_are_printable_and_differ_between_prefixes_and_instances()
    {
        await using var first = new MemoryEngine();
        await using var second = new MemoryEngine();

        var a = await first.GetChangeCursorAsync("a/");
        var b = await first.GetChangeCursorAsync("b/");
        var other = await second.GetChangeCursorAsync("a/");

        Assert.NotEqual(a, b);
        Assert.NotEqual(a, other);
        Assert.All(new[] { a, b, other }, cursor => Assert.Matches("^[A-Za-z0-9._-]+$", cursor));
    }
}
