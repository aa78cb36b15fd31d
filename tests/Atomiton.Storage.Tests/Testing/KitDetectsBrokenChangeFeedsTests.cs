using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;
using Xunit.Sdk;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>The kit's change-feed cases can fail: each broken feed here makes the case written for its bug fail, and leaves the others passing.</summary>
public sealed class KitDetectsBrokenChangeFeedsTests
{
    [Fact]
    public async Task Tombstone_case_catches_a_feed_that_drops_deletes()
    {
        var error = await RunAsync(new Kit(() => new DeleteDroppingFeed(new MemoryEngine())), k => k.Change_feed_reports_a_delete_as_a_tombstone());

        Assert.IsAssignableFrom<XunitException>(error);
    }

    [Fact]
    public async Task Paging_case_catches_a_feed_that_drops_deletes()
    {
        var error = await RunAsync(new Kit(() => new DeleteDroppingFeed(new MemoryEngine())), k => k.Change_feed_pages_deliver_every_change_and_resume_from_any_cursor());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("reported but gone", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scope_case_catches_a_feed_that_ignores_the_prefix()
    {
        var error = await RunAsync(new Kit(() => new PrefixIgnoringFeed(new MemoryEngine())), k => k.Change_feed_reports_only_keys_under_the_cursor_prefix());

        Assert.IsAssignableFrom<XunitException>(error);
    }

    [Fact]
    public async Task Wait_case_catches_a_wait_that_ignores_the_prefix()
    {
        var error = await RunAsync(new Kit(() => new PrefixIgnoringFeed(new MemoryEngine())), k => k.Change_feed_wait_returns_false_when_the_timeout_passes());

        Assert.IsAssignableFrom<XunitException>(error);
    }

    [Fact]
    public async Task Paging_case_catches_a_cursor_that_skips_a_change_after_each_page()
    {
        var error = await RunAsync(new Kit(() => new ChangeSkippingFeed(new MemoryEngine())), k => k.Change_feed_pages_deliver_every_change_and_resume_from_any_cursor());

        Assert.IsAssignableFrom<XunitException>(error);
        Assert.Contains("the feed disagrees with a listing", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overwrite_case_catches_a_feed_that_reports_the_first_state_only()
    {
        var error = await RunAsync(new Kit(() => new StaleItemFeed(new MemoryEngine())), k => k.Change_feed_reports_an_overwrite_with_the_latest_state());

        Assert.IsAssignableFrom<XunitException>(error);
    }

    [Fact]
    public async Task Expiry_case_catches_an_expired_cursor_reported_as_untrusted()
    {
        var clock = new Support.ShiftableTimeProvider();
        var kit = new Kit(() => new UntrustingFeed(new MemoryEngine(null, clock)), expire: () => clock.Shift(TimeSpan.FromDays(2)));

        var error = await RunAsync(kit, k => k.Change_feed_cursor_past_the_retention_is_expired_and_trusted());

        Assert.IsAssignableFrom<XunitException>(error);
    }

    [Fact]
    public async Task Broken_feeds_pass_the_cases_their_bugs_do_not_touch()
    {
        Assert.Null(await RunAsync(new Kit(() => new DeleteDroppingFeed(new MemoryEngine())), k => k.Change_feed_reports_a_created_key_with_its_item()));
        Assert.Null(await RunAsync(new Kit(() => new PrefixIgnoringFeed(new MemoryEngine())), k => k.Change_feed_reports_a_delete_as_a_tombstone()));
        Assert.Null(await RunAsync(new Kit(() => new MemoryEngine()), k => k.Change_feed_pages_deliver_every_change_and_resume_from_any_cursor()));
    }

    [Fact]
    public async Task Hook_cases_are_skipped_with_their_reason_when_the_hooks_are_not_overridden()
    {
        var expired = await RunAsync(new Kit(() => new MemoryEngine()), k => k.Change_feed_cursor_past_the_retention_is_expired_and_trusted());
        var restarted = await RunAsync(new Kit(() => new MemoryEngine()), k => k.Change_feed_cursor_survives_a_restart());

        Assert.IsType<Xunit.SkipException>(expired);
        Assert.Contains("ExpireChangeFeedAsync", expired!.Message, StringComparison.Ordinal);
        Assert.IsType<Xunit.SkipException>(restarted);
        Assert.Contains("ReopenEngineAsync", restarted!.Message, StringComparison.Ordinal);
    }

    private static async Task<Exception?> RunAsync(Kit kit, Func<Kit, Task> test)
    {
        await kit.InitializeAsync();
        try
        {
            return await Record.ExceptionAsync(() => test(kit));
        }
        finally
        {
            await kit.DisposeAsync();
        }
    }

    /// <summary>A feed that leaves tombstones out of every page.</summary>
    private sealed class DeleteDroppingFeed(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "delete-dropping";

        protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
        {
            var page = await Inner.ReadChangesAsync(cursor, options, cancellationToken);
            return page with { Changes = [.. page.Changes.Where(change => change.Kind != StorageChangeKind.Deleted)] };
        }
    }

    /// <summary>A feed whose cursors (and so reads and waits) cover every key, whatever prefix was asked for.</summary>
    private sealed class PrefixIgnoringFeed(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "prefix-ignoring";

        protected override ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken) =>
            Inner.GetChangeCursorAsync("", cancellationToken);
    }

    /// <summary>A feed that loses the first change after every page (an off-by-one resume point).</summary>
    private sealed class ChangeSkippingFeed(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "change-skipping";

        protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
        {
            var page = await Inner.ReadChangesAsync(cursor, options, cancellationToken);
            if (!page.HasMore)
            {
                return page;
            }

            var skipped = await Inner.ReadChangesAsync(page.Cursor, new ChangeReadOptions { PageSize = 1 }, cancellationToken);
            return page with { Cursor = skipped.Cursor, HasMore = skipped.HasMore };
        }
    }

    /// <summary>A feed that reports each key with the item it had when first reported in the page (not its latest state).</summary>
    private sealed class StaleItemFeed(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "stale-item";

        protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
        {
            var page = await Inner.ReadChangesAsync(cursor, options, cancellationToken);
            var first = new Dictionary<string, StorageChange>(StringComparer.Ordinal);
            foreach (var change in page.Changes)
            {
                first.TryAdd(change.Key, change);
            }

            return page with { Changes = [.. first.Values] };
        }
    }

    /// <summary>A feed that calls every expired cursor untrusted.</summary>
    private sealed class UntrustingFeed(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "untrusting";

        protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
        {
            try
            {
                return await Inner.ReadChangesAsync(cursor, options, cancellationToken);
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.CursorExpired)
            {
                throw new StorageException(e.Code, e.Message) { CursorTrust = ChangeCursorTrust.Untrusted };
            }
        }
    }

    private sealed class Kit(Func<IStorageEngine> create, Action? expire = null) : StorageConformanceTests
    {
        protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult(create());

        protected override ValueTask<bool> ExpireChangeFeedAsync()
        {
            expire?.Invoke();
            return ValueTask.FromResult(expire is not null);
        }
    }
}
