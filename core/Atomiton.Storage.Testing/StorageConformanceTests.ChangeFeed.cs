namespace Atomiton.Storage.Testing;

// Catalogue CF-1–CF-14: the change feed (docs/contract.md, "Change feed").
public abstract partial class StorageConformanceTests
{
    private const string NoChangeFeed = "the engine does not declare ChangeFeed";
    private const string NoChangeFeedWait = "the engine does not declare ChangeFeed and ChangeFeedWait";

    /// <summary>The longest a feed read loop may run before the kit calls it endless (an engine that always says HasMore).</summary>
    private const int MaxFeedPages = 100_000;

    /// <summary>The hang guard of the wait cases: minutes, so a slow machine never decides the verdict.</summary>
    private static readonly TimeSpan WaitGuard = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Makes every change the engine recorded so far fall out of its change-feed retention (advance
    /// the engine's clock past <see cref="StorageLimits.ChangeRetention"/>, or trim its log), so that a
    /// cursor from before reads <see cref="StorageErrorCode.CursorExpired"/> with
    /// <see cref="ChangeCursorTrust.Trusted"/>. Return false (the default) when the test cannot do
    /// that; catalogue CF-9 is then skipped.
    /// </summary>
    protected virtual ValueTask<bool> ExpireChangeFeedAsync() => ValueTask.FromResult(false);

    /// <summary>
    /// A new engine over the same store as <see cref="Engine"/>, as a process restart would open it
    /// (the kit disposes it; it may dispose <see cref="Engine"/> first if the store needs that). Null
    /// (the default) for stores that do not outlive their engine; catalogue CF-10 is then skipped.
    /// </summary>
    protected virtual ValueTask<IStorageEngine?> ReopenEngineAsync() => ValueTask.FromResult<IStorageEngine?>(null);

    /// <summary>Catalogue CF-1: a save after a cursor is reported as Upserted with the saved item (key, size, ETag).</summary>
    [SkippableFact]
    public async Task Change_feed_reports_a_created_key_with_its_item()
    {
        Skip.IfNot(Supports(StorageCapabilities.ChangeFeed), NoChangeFeed);
        var cursor = await Engine.GetChangeCursorAsync();

        var saved = await SaveAsync("feed/new.txt", Content(10));

        var feed = await ReadFeedAsync(cursor, read => read.Changes.Any(change => change.Key == "feed/new.txt"));
        Assert.All(feed.Changes, change => Assert.Equal("feed/new.txt", change.Key));
        var last = feed.Changes[^1];
        Assert.Equal(StorageChangeKind.Upserted, last.Kind);
        Assert.NotNull(last.Item);
        Assert.Equal("feed/new.txt", last.Item.Key);
        Assert.Equal(10, last.Item.Size);
        Assert.Equal(saved.ETag, last.Item.ETag);
    }

    /// <summary>Catalogue CF-2: overwrites are reported with the latest state last (a later entry for a key supersedes an earlier one).</summary>
    [SkippableFact]
    public async Task Change_feed_reports_an_overwrite_with_the_latest_state()
    {
        Skip.IfNot(Supports(StorageCapabilities.ChangeFeed), NoChangeFeed);
        await SaveAsync("feed/doc", Content(5, seed: 1));
        var cursor = await Engine.GetChangeCursorAsync();

        await SaveAsync("feed/doc", Content(6, seed: 2));
        var latest = await SaveAsync("feed/doc", Content(7, seed: 3));

        var feed = await ReadFeedAsync(cursor, read => LastFor(read, "feed/doc")?.Item?.ETag == latest.ETag);
        var last = LastFor(feed, "feed/doc");
        Assert.NotNull(last);
        Assert.Equal(StorageChangeKind.Upserted, last.Kind);
        Assert.Equal(latest.ETag, last.Item!.ETag);
        Assert.Equal(7, last.Item.Size);
    }

    /// <summary>Catalogue CF-3: a delete is reported as a tombstone (Deleted, no item).</summary>
    [SkippableFact]
    public async Task Change_feed_reports_a_delete_as_a_tombstone()
    {
        Skip.IfNot(Supports(StorageCapabilities.ChangeFeed | StorageCapabilities.Delete), "the engine does not declare ChangeFeed and Delete");
        await SaveAsync("feed/gone", Content(5));
        await SaveAsync("feed/kept", Content(5));
        var before = await SnapshotAsync("feed/");
        var cursor = await Engine.GetChangeCursorAsync();

        Assert.True(await Engine.DeleteAsync("feed/gone"));

        var feed = await ReadFeedAsync(cursor, read => LastFor(read, "feed/gone")?.Kind == StorageChangeKind.Deleted);
        var last = LastFor(feed, "feed/gone");
        Assert.NotNull(last);
        Assert.Equal(StorageChangeKind.Deleted, last.Kind);
        Assert.Null(last.Item);
        await AssertFeedMatchesListingAsync(before, feed.Changes, "feed/");
    }

    /// <summary>Catalogue CF-4: a copy is reported as the destination Upserted with the copy's item; the source is not reported deleted.</summary>
    [SkippableFact]
    public async Task Change_feed_reports_a_copy_as_its_destination()
    {
        Skip.IfNot(Supports(StorageCapabilities.ChangeFeed), NoChangeFeed);
        await SaveAsync("feed/src", Content(9));
        var before = await SnapshotAsync("feed/");
        var cursor = await Engine.GetChangeCursorAsync();

        var copy = await Engine.CopyAsync("feed/src", "feed/dst");

        var feed = await ReadFeedAsync(cursor, read => LastFor(read, "feed/dst")?.Item?.ETag == copy.ETag);
        var last = LastFor(feed, "feed/dst");
        Assert.NotNull(last);
        Assert.Equal(StorageChangeKind.Upserted, last.Kind);
        Assert.Equal(copy.ETag, last.Item!.ETag);
        Assert.DoesNotContain(feed.Changes, change => change.Kind != StorageChangeKind.Upserted && (change.Key == "feed/src" || change.PreviousKey == "feed/src"));
        await AssertFeedMatchesListingAsync(before, feed.Changes, "feed/");
    }

    /// <summary>Catalogue CF-5: a move is reported as one Moved change (previous key = the source) or as Deleted source plus Upserted destination.</summary>
    [SkippableFact]
    public async Task Change_feed_reports_a_move()
    {
        Skip.IfNot(Supports(StorageCapabilities.ChangeFeed | StorageCapabilities.Delete), "the engine does not declare ChangeFeed and Delete");
        await SaveAsync("feed/old-name", Content(9));
        var before = await SnapshotAsync("feed/");
        var cursor = await Engine.GetChangeCursorAsync();

        var moved = await Engine.MoveAsync("feed/old-name", "feed/new-name");

        var feed = await ReadFeedAsync(cursor, read => Derive(before, read.Changes) is var derived && !derived.ContainsKey("feed/old-name") && derived.ContainsKey("feed/new-name"));
        Assert.All(feed.Changes.Where(change => change.Kind == StorageChangeKind.Moved), change =>
        {
            Assert.Equal("feed/old-name", change.PreviousKey);
            Assert.Equal("feed/new-name", change.Key);
        });
        var state = Derive(before, feed.Changes);
        Assert.False(state.ContainsKey("feed/old-name"), "after the feed's changes the source of the move is gone");
        Assert.Equal(moved.ETag, state["feed/new-name"].ETag);
        await AssertFeedMatchesListingAsync(before, feed.Changes, "feed/");
    }

    /// <summary>
    /// Catalogue CF-6: 2,000 writes (creates, overwrites and deletes of 500 keys) read in pages of 100 are all
    /// delivered, writes made between pages are delivered too, a page that says no more is followed
    /// by nothing, and resuming from every intermediate cursor loses nothing.
    /// </summary>
    [SkippableFact]
    public async Task Change_feed_pages_deliver_every_change_and_resume_from_any_cursor()
    {
        Skip.IfNot(Supports(StorageCapabilities.ChangeFeed), NoChangeFeed);
        var options = new ChangeReadOptions { PageSize = 100 };
        var cursor = await Engine.GetChangeCursorAsync("page/");
        await SaveAsync("outside", Content(1));
        for (int i = 0; i < 2000; i++)
        {
            string key = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"page/{i % 500:D3}");
            if (i >= 1800 && Supports(StorageCapabilities.Delete))
            {
                await Engine.DeleteAsync(key);
            }
            else
            {
                await SaveAsync(key, Content(1 + (i % 7), seed: i));
            }
        }

        // Read page by page, writing ten more keys after the fifth page (or the last, if fewer).
        var pages = new List<IReadOnlyList<StorageChange>>();
        var cursors = new List<string> { cursor };
        bool lateWritten = false;
        while (true)
        {
            Assert.True(pages.Count < MaxFeedPages, $"the feed still says HasMore after {MaxFeedPages} pages");
            var page = await Engine.ReadChangesAsync(cursors[^1], options);
            pages.Add(page.Changes);
            cursors.Add(page.Cursor);
            if (!lateWritten && (pages.Count == 5 || !page.HasMore))
            {
                for (int i = 0; i < 10; i++)
                {
                    await SaveAsync($"page/late-{i}", Content(3, seed: i));
                }

                lateWritten = true;
            }
            else if (!page.HasMore)
            {
                break;
            }
        }

        var empty = new Dictionary<string, StorageItem>(StringComparer.Ordinal);
        var final = await SnapshotAsync("page/");
        var lagging = await ReadFeedAsync(cursors[^1], read => Matches(final, Derive(empty, pages.SelectMany(page => page).Concat(read.Changes))), options);
        if (lagging.Changes.Count > 0)
        {
            pages.Add(lagging.Changes);
            cursors.Add(lagging.Cursor);
        }

        Assert.Equal(500 - (Supports(StorageCapabilities.Delete) ? 200 : 0) + 10, final.Count);
        AssertSameState(final, Derive(empty, pages.SelectMany(page => page)), "reading every page from the first cursor");
        Assert.Empty((await Engine.ReadChangesAsync(cursors[^1], options)).Changes);

        for (int i = 1; i < cursors.Count; i++)
        {
            var resumed = await ReadFeedAsync(cursors[i], _ => true, options);
            var state = Derive(empty, pages.Take(i).SelectMany(page => page).Concat(resumed.Changes));
            AssertSameState(final, state, $"resuming from the cursor after page {i} of {pages.Count}");
        }
    }

    /// <summary>Catalogue CF-7: a cursor for a prefix never reports a key outside it; moves across its edge read as a delete or a create.</summary>
    [SkippableFact]
    public async Task Change_feed_reports_only_keys_under_the_cursor_prefix()
    {
        Skip.IfNot(Supports(StorageCapabilities.ChangeFeed), NoChangeFeed);
        bool deletes = Supports(StorageCapabilities.Delete);
        await SaveAsync("in/leaving", Content(2));
        await SaveAsync("out/arriving", Content(2));
        await SaveAsync("in/doomed", Content(2));
        var before = await SnapshotAsync("in/");
        var cursor = await Engine.GetChangeCursorAsync("in/");

        await SaveAsync("in/a", Content(3));
        await SaveAsync("out/b", Content(3));
        await SaveAsync("inside", Content(3));
        if (Engine.KeyRules.ObjectAndFolderMayShareName)
        {
            await SaveAsync("in", Content(3)); // beside the folder 'in/' only where a file and a folder may share a name
        }

        await Engine.CopyAsync("in/a", "out/copy");
        if (deletes)
        {
            await Engine.DeleteAsync("out/b");
            await Engine.DeleteAsync("in/doomed");
            await Engine.MoveAsync("in/leaving", "out/left");
            await Engine.MoveAsync("out/arriving", "in/arrived");
        }

        var feed = await ReadFeedAsync(cursor, read => Derive(before, read.Changes).ContainsKey("in/a") && (!deletes || Derive(before, read.Changes).ContainsKey("in/arrived")));
        Assert.All(feed.Changes, change =>
        {
            Assert.StartsWith("in/", change.Key, StringComparison.Ordinal);
            Assert.True(change.PreviousKey is null || change.PreviousKey.StartsWith("in/", StringComparison.Ordinal),
                $"a change of '{change.Key}' names previous key '{change.PreviousKey}', outside the cursor's prefix 'in/'");
        });
        await AssertFeedMatchesListingAsync(before, feed.Changes, "in/");
    }

    /// <summary>
    /// Catalogue CF-8: a cursor from GetChangeCursorAsync excludes earlier writes, and the engine's own
    /// writes are in the feed as soon as they return (within the declared consistency bound).
    /// </summary>
    [SkippableFact]
    public async Task Change_feed_cursor_excludes_earlier_writes_and_shows_own_writes()
    {
        Skip.IfNot(Supports(StorageCapabilities.ChangeFeed), NoChangeFeed);
        await SaveAsync("earlier", Content(4));
        await SettleAsync();
        var cursor = await Engine.GetChangeCursorAsync();

        var quiet = await ReadFeedAsync(cursor, _ => true);
        Assert.Empty(quiet.Changes);

        var saved = await SaveAsync("later", Content(4));
        var feed = await ReadFeedAsync(quiet.Cursor, read => LastFor(read, "later") is not null);
        Assert.Equal(saved.ETag, LastFor(feed, "later")!.Item?.ETag);
        Assert.Null(LastFor(feed, "earlier"));
    }

    /// <summary>
    /// Catalogue CF-9: a cursor older than the retention reads (and waits) CursorExpired with Trusted,
    /// naming what to do; a new cursor then works. Needs <see cref="ExpireChangeFeedAsync"/>.
    /// </summary>
    [SkippableFact]
    public async Task Change_feed_cursor_past_the_retention_is_expired_and_trusted()
    {
        Skip.IfNot(Supports(StorageCapabilities.ChangeFeed), NoChangeFeed);
        var cursor = await Engine.GetChangeCursorAsync();
        await SaveAsync("forgotten", Content(4));

        Skip.IfNot(await ExpireChangeFeedAsync(), "the test class does not override ExpireChangeFeedAsync, so the kit cannot make the feed forget changes");

        var error = await AssertFailsAsync(StorageErrorCode.CursorExpired, async () => await Engine.ReadChangesAsync(cursor), "the cursor is older than the retention");
        Assert.Equal(ChangeCursorTrust.Trusted, error.CursorTrust);
        Assert.False(error.IsTransient, "an expired cursor does not come back by retrying");
        Assert.Contains("cursor", error.Message, StringComparison.OrdinalIgnoreCase);
        if (Supports(StorageCapabilities.ChangeFeedWait))
        {
            var waitError = await AssertFailsAsync(StorageErrorCode.CursorExpired, async () => await Engine.WaitForChangesAsync(cursor, TimeSpan.FromSeconds(1)), "waiting on an expired cursor");
            Assert.Equal(ChangeCursorTrust.Trusted, waitError.CursorTrust);
        }

        var fresh = await Engine.GetChangeCursorAsync();
        var saved = await SaveAsync("remembered", Content(4));
        var feed = await ReadFeedAsync(fresh, read => LastFor(read, "remembered") is not null);
        Assert.Equal(saved.ETag, LastFor(feed, "remembered")!.Item?.ETag);
    }

    /// <summary>Catalogue CF-10: a cursor survives a restart: an engine reopened over the same store continues from it. Needs <see cref="ReopenEngineAsync"/>.</summary>
    [SkippableFact]
    public async Task Change_feed_cursor_survives_a_restart()
    {
        Skip.IfNot(Supports(StorageCapabilities.ChangeFeed), NoChangeFeed);
        var cursor = await Engine.GetChangeCursorAsync();
        var before = await SaveAsync("before-restart", Content(4));

        await using var reopened = await ReopenEngineAsync();
        Skip.If(reopened is null, "the test class does not override ReopenEngineAsync: the store does not outlive its engine");

        var first = await ReadAllAsync(reopened!, cursor, read => LastFor(read, "before-restart") is not null);
        Assert.Equal(before.ETag, LastFor(first, "before-restart")!.Item?.ETag);
        var after = await reopened!.SaveAsync("after-restart", new ReadOnlyMemory<byte>(Content(4)));
        var second = await ReadAllAsync(reopened!, first.Cursor, read => LastFor(read, "after-restart") is not null);
        Assert.Equal(after.ETag, LastFor(second, "after-restart")!.Item?.ETag);
        Assert.Null(LastFor(second, "before-restart"));
    }

    /// <summary>Catalogue CF-11: a cursor the engine did not issue is refused with InvalidArgument (or CursorExpired) naming the cursor, and changes nothing.</summary>
    [SkippableFact]
    public async Task Change_feed_refuses_a_cursor_it_did_not_issue()
    {
        Skip.IfNot(Supports(StorageCapabilities.ChangeFeed), NoChangeFeed);
        await SaveAsync("kept", Content(4));
        var real = await Engine.GetChangeCursorAsync();

        foreach (var forged in new[] { "not-a-cursor", real + "~", real[..(real.Length / 2)] })
        {
            var error = await Assert.ThrowsAsync<StorageException>(async () => await Engine.ReadChangesAsync(forged));
            Assert.True(error.Code is StorageErrorCode.InvalidArgument or StorageErrorCode.CursorExpired, $"a forged cursor gave {error.Code}: {error.Message}");
            Assert.Contains("cursor", error.Message, StringComparison.OrdinalIgnoreCase);
        }

        await AssertContentAsync("kept", Content(4));
        Assert.Empty((await ReadFeedAsync(real, _ => true)).Changes);
    }

    /// <summary>Catalogue CF-12: a wait wakes when a write lands under the cursor's prefix, and returns true at once when changes are already waiting.</summary>
    [SkippableFact]
    public async Task Change_feed_wait_wakes_on_a_write()
    {
        Skip.IfNot(Supports(StorageCapabilities.ChangeFeed | StorageCapabilities.ChangeFeedWait), NoChangeFeedWait);
        var cursor = await Engine.GetChangeCursorAsync("watched/");

        var wait = Engine.WaitForChangesAsync(cursor, WaitGuard).AsTask();
        await SaveAsync("watched/file", Content(4));

        Assert.True(await wait.WaitAsync(WaitGuard + WaitGuard), $"the wait did not report the write within {WaitGuard}");
        Assert.True(await Engine.WaitForChangesAsync(cursor, WaitGuard), "changes are already waiting after the cursor");
        var feed = await ReadFeedAsync(cursor, read => LastFor(read, "watched/file") is not null);
        Assert.NotNull(LastFor(feed, "watched/file"));
    }

    /// <summary>Catalogue CF-13: a wait with nothing to report (writes outside the prefix do not count) returns false when its timeout passes.</summary>
    [SkippableFact]
    public async Task Change_feed_wait_returns_false_when_the_timeout_passes()
    {
        Skip.IfNot(Supports(StorageCapabilities.ChangeFeed | StorageCapabilities.ChangeFeedWait), NoChangeFeedWait);
        var cursor = await Engine.GetChangeCursorAsync("watched/");
        await SaveAsync("elsewhere/file", Content(4));

        var waited = Engine.WaitForChangesAsync(cursor, TimeSpan.FromMilliseconds(200)).AsTask();

        Assert.False(await waited.WaitAsync(WaitGuard), "a wait with no change under its prefix reported changes");
    }

    /// <summary>Catalogue CF-14: an engine that does not declare the change feed (or waits) throws UnsupportedOperation for them.</summary>
    [SkippableFact]
    public async Task Undeclared_change_feed_operations_throw_Unsupported()
    {
        Skip.If(Supports(StorageCapabilities.ChangeFeed | StorageCapabilities.ChangeFeedWait), "the engine declares ChangeFeed and ChangeFeedWait");
        string cursor = "any-cursor";
        if (Supports(StorageCapabilities.ChangeFeed))
        {
            cursor = await Engine.GetChangeCursorAsync();
        }
        else
        {
            await AssertUnsupportedAsync(async () => await Engine.GetChangeCursorAsync(), nameof(StorageCapabilities.ChangeFeed));
            await AssertUnsupportedAsync(async () => await Engine.ReadChangesAsync(cursor), nameof(StorageCapabilities.ChangeFeed));
        }

        await AssertUnsupportedAsync(async () => await Engine.WaitForChangesAsync(cursor, TimeSpan.FromSeconds(1)), nameof(StorageCapabilities.ChangeFeedWait));
    }

    /// <summary>Every change after <paramref name="cursor"/> until a page says no more; polled within <see cref="ConsistencyBound"/> until <paramref name="done"/> holds.</summary>
    private Task<FeedRead> ReadFeedAsync(string cursor, Func<FeedRead, bool> done, ChangeReadOptions? options = null) =>
        ReadAllAsync(Engine, cursor, done, options);

    private async Task<FeedRead> ReadAllAsync(IStorageEngine engine, string cursor, Func<FeedRead, bool> done, ChangeReadOptions? options = null)
    {
        FeedRead? read = null;
        await EventuallyAsync(async () =>
        {
            var changes = new List<StorageChange>();
            string next = cursor;
            for (int pages = 0; ; pages++)
            {
                Assert.True(pages < MaxFeedPages, $"the feed still says HasMore after {MaxFeedPages} pages");
                var page = await engine.ReadChangesAsync(next, options);
                changes.AddRange(page.Changes);
                next = page.Cursor;
                if (!page.HasMore)
                {
                    break;
                }
            }

            read = new FeedRead(changes, next);
            return done(read);
        });
        return read!;
    }

    /// <summary>The last change that names <paramref name="key"/> (as its key or previous key).</summary>
    private static StorageChange? LastFor(FeedRead read, string key) =>
        read.Changes.LastOrDefault(change => change.Key == key || change.PreviousKey == key);

    /// <summary>Key → item for every key under <paramref name="prefix"/>, from a listing.</summary>
    private async Task<Dictionary<string, StorageItem>> SnapshotAsync(string prefix)
    {
        var state = new Dictionary<string, StorageItem>(StringComparer.Ordinal);
        foreach (var entry in await ListAsync(new ListOptions { Prefix = prefix }))
        {
            if (entry.Item is { } item)
            {
                state[item.Key] = item;
            }
        }

        return state;
    }

    /// <summary>What a consumer holds after applying <paramref name="changes"/> in order to <paramref name="start"/>.</summary>
    private static Dictionary<string, StorageItem> Derive(IReadOnlyDictionary<string, StorageItem> start, IEnumerable<StorageChange> changes)
    {
        var state = new Dictionary<string, StorageItem>(start, StringComparer.Ordinal);
        foreach (var change in changes)
        {
            if (change.PreviousKey is { } previous && change.Kind == StorageChangeKind.Moved)
            {
                state.Remove(previous);
            }

            if (change.Kind == StorageChangeKind.Deleted)
            {
                state.Remove(change.Key);
            }
            else
            {
                Assert.True(change.Item is not null, $"an {change.Kind} change of '{change.Key}' carries no item");
                state[change.Key] = change.Item;
            }
        }

        return state;
    }

    private static bool Matches(Dictionary<string, StorageItem> expected, Dictionary<string, StorageItem> actual) =>
        expected.Count == actual.Count && expected.All(pair => actual.TryGetValue(pair.Key, out var item) && item.ETag == pair.Value.ETag);

    private static void AssertSameState(Dictionary<string, StorageItem> listed, Dictionary<string, StorageItem> derived, string how)
    {
        var missing = listed.Keys.Where(key => !derived.ContainsKey(key)).Take(5).ToList();
        var extra = derived.Keys.Where(key => !listed.ContainsKey(key)).Take(5).ToList();
        var stale = listed.Where(pair => derived.TryGetValue(pair.Key, out var item) && item.ETag != pair.Value.ETag).Select(pair => pair.Key).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && stale.Count == 0,
            $"After {how}, the feed disagrees with a listing: never reported {string.Join(", ", missing)}; reported but gone {string.Join(", ", extra)}; stale ETag {string.Join(", ", stale)}.");
    }

    /// <summary>Asserts that applying <paramref name="changes"/> to <paramref name="before"/> gives what a listing of <paramref name="prefix"/> shows now.</summary>
    private async Task AssertFeedMatchesListingAsync(IReadOnlyDictionary<string, StorageItem> before, IEnumerable<StorageChange> changes, string prefix) =>
        AssertSameState(await SnapshotAsync(prefix), Derive(before, changes), "applying the feed's changes");

    /// <summary>What one read of the feed to its end gave: the changes in order and the cursor after them.</summary>
    private sealed record FeedRead(IReadOnlyList<StorageChange> Changes, string Cursor);
}
