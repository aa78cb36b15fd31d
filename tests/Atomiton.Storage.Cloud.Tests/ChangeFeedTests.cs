using System.Net;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// The server's change log through the <c>cloud</c> plugin and raw HTTP: every write the server
/// performs is in the feed, in order, per tenant; cursors survive restarts, expire Trusted after the
/// retention and Untrusted when the log is replaced; the long poll wakes on a write and times out.
/// </summary>
public sealed class ChangeFeedTests : IAsyncLifetime
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(3);

    private CloudTestServer _server = null!;
    private CreatedApiKey _key = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync();
        _key = _server.CreateTenantKey(tenant: "tenants/alice/");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Plugin_declares_the_feed_and_its_retention()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        var info = await engine.GetInfoAsync();
        Assert.True(info.Capabilities.HasFlag(StorageCapabilities.ChangeFeed));
        Assert.True(info.Capabilities.HasFlag(StorageCapabilities.ChangeFeedWait));
        Assert.Equal(_server.Options.ChangeRetention, info.Limits.ChangeRetention);
    }

    [Fact]
    public async Task Create_overwrite_delete_copy_and_move_appear_in_order_with_their_items()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        await engine.SaveAsync("before.txt", "not in the feed"u8.ToArray());
        var cursor = await engine.GetChangeCursorAsync();

        var created = await engine.SaveAsync("a.txt", "one"u8.ToArray());
        var overwritten = await engine.SaveAsync("a.txt", "two"u8.ToArray());
        var copied = await engine.CopyAsync("a.txt", "b.txt");
        var moved = await engine.MoveAsync("b.txt", "c.txt");
        Assert.True(await engine.DeleteAsync("a.txt"));
        Assert.False(await engine.DeleteAsync("never-there.txt"));

        var page = await engine.ReadChangesAsync(cursor);
        Assert.False(page.HasMore);
        Assert.Collection(page.Changes,
            change => AssertChange(change, StorageChangeKind.Upserted, "a.txt", created),
            change => AssertChange(change, StorageChangeKind.Upserted, "a.txt", overwritten),
            change => AssertChange(change, StorageChangeKind.Upserted, "b.txt", copied),
            change =>
            {
                AssertChange(change, StorageChangeKind.Moved, "c.txt", moved);
                Assert.Equal("b.txt", change.PreviousKey);
            },
            change => AssertChange(change, StorageChangeKind.Deleted, "a.txt", null));

        var caughtUp = await engine.ReadChangesAsync(page.Cursor);
        Assert.Empty(caughtUp.Changes);
        Assert.False(caughtUp.HasMore);
    }

    [Fact]
    public async Task Uploads_through_a_session_and_large_objects_appear_once_committed()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        var cursor = await engine.GetChangeCursorAsync();
        var item = await engine.SaveAsync("big.bin", new byte[700 * 1024]); // over the 256 KiB chunk: an upload session
        var page = await engine.ReadChangesAsync(cursor);
        AssertChange(Assert.Single(page.Changes), StorageChangeKind.Upserted, "big.bin", item);
    }

    [Fact]
    public async Task Refused_writes_leave_no_change()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        var item = await engine.SaveAsync("a.txt", "one"u8.ToArray());
        var cursor = await engine.GetChangeCursorAsync();

        await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("a.txt", "x"u8.ToArray(), new SaveOptions { Condition = WriteCondition.IfNotExists }));
        await Assert.ThrowsAsync<StorageException>(async () => await engine.DeleteAsync("a.txt", new DeleteOptions { IfMatch = "stale" }));
        await Assert.ThrowsAsync<StorageException>(async () => await engine.CopyAsync("missing.txt", "b.txt"));
        await Assert.ThrowsAsync<StorageException>(async () => await engine.CopyAsync("a.txt", "a-copy.txt", WriteCondition.IfMatch("stale")));

        var page = await engine.ReadChangesAsync(cursor);
        Assert.Empty(page.Changes);
        Assert.Equal(item, await engine.StatAsync("a.txt"));
    }

    [Fact]
    public async Task Pages_resume_from_every_intermediate_cursor_without_losing_a_change()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        var cursor = await engine.GetChangeCursorAsync();
        for (int i = 0; i < 25; i++)
        {
            await engine.SaveAsync($"k{i:D2}", new[] { (byte)i });
        }

        var seen = new List<string>();
        var cursors = new List<string> { cursor };
        StorageChangePage page;
        var pages = 0;
        do
        {
            page = await engine.ReadChangesAsync(cursors[^1], new ChangeReadOptions { PageSize = 10 });
            seen.AddRange(page.Changes.Select(c => c.Key));
            cursors.Add(page.Cursor);
            pages++;
        }
        while (page.HasMore);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"k{i:D2}"), seen);
        for (int i = 0; i < cursors.Count - 1; i++)
        {
            var rest = await ReadAllAsync(engine, cursors[i], pageSize: 7);
            Assert.Equal(seen.Skip(i * 10), rest.Select(c => c.Key));
        }
    }

    [Fact]
    public async Task Prefix_cursor_sees_only_its_prefix()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        var cursor = await engine.GetChangeCursorAsync("docs/");
        await engine.SaveAsync("docs/a.txt", "in"u8.ToArray());
        await engine.SaveAsync("docsx.txt", "out"u8.ToArray());
        await engine.SaveAsync("other/b.txt", "out"u8.ToArray());
        await engine.MoveAsync("docs/a.txt", "other/a.txt");
        await engine.MoveAsync("other/b.txt", "docs/b.txt");

        var changes = await ReadAllAsync(engine, cursor, pageSize: 100);
        Assert.Collection(changes,
            change => AssertChange(change, StorageChangeKind.Upserted, "docs/a.txt", null),
            change => AssertChange(change, StorageChangeKind.Deleted, "docs/a.txt", null), // moved out of the prefix
            change => AssertChange(change, StorageChangeKind.Upserted, "docs/b.txt", null)); // moved in
    }

    [Fact]
    public async Task Cursor_survives_a_server_restart_and_changes_made_before_it_are_read_after_it()
    {
        await using (var engine = await _server.ConnectAsync(_key.Key))
        {
            var cursor = await engine.GetChangeCursorAsync();
            await engine.SaveAsync("before-restart.txt", "1"u8.ToArray());
            var endpoint = _server.Endpoint;
            await _server.StopAsync();
            await _server.RestartAsync(endpoint);

            await using var again = await _server.ConnectAsync(_key.Key);
            await again.SaveAsync("after-restart.txt", "2"u8.ToArray());
            var changes = await ReadAllAsync(again, cursor, pageSize: 100);
            Assert.Equal(["before-restart.txt", "after-restart.txt"], changes.Select(c => c.Key));
        }
    }

    [Fact]
    public async Task Replaced_change_log_is_a_new_epoch_and_old_cursors_are_expired_Untrusted()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        var cursor = await engine.GetChangeCursorAsync();
        await engine.SaveAsync("a.txt", "1"u8.ToArray());
        var endpoint = _server.Endpoint;
        await _server.StopAsync();
        File.Delete(Path.Combine(ChangeLogDirectory(), "changes.log"));
        await _server.RestartAsync(endpoint);

        await using var again = await _server.ConnectAsync(_key.Key);
        var expired = await Assert.ThrowsAsync<StorageException>(async () => await again.ReadChangesAsync(cursor));
        Assert.Equal(StorageErrorCode.CursorExpired, expired.Code);
        Assert.Equal(ChangeCursorTrust.Untrusted, expired.CursorTrust);
        Assert.Equal(StorageErrorCode.CursorExpired, (await Assert.ThrowsAsync<StorageException>(async () => await again.WaitForChangesAsync(cursor, TimeSpan.FromMinutes(1)))).Code);

        var raw = await RawHttp.SendAsync(_server.Endpoint, "GET", "/v1/changes?cursor=" + Uri.EscapeDataString(cursor), _key.Key);
        Assert.Equal(410, raw.Status);
        using var problem = JsonDocument.Parse(raw.Body);
        Assert.Equal("CursorExpired", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("Untrusted", problem.RootElement.GetProperty("cursorTrust").GetString());
        AssertNoServerPath(raw.Body);

        // A fresh cursor of the new epoch works.
        var fresh = await again.GetChangeCursorAsync();
        await again.SaveAsync("b.txt", "2"u8.ToArray());
        Assert.Equal("b.txt", Assert.Single((await again.ReadChangesAsync(fresh)).Changes).Key);
    }

    [Fact]
    public async Task Damaged_change_log_is_moved_aside_and_starts_a_new_epoch()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        var cursor = await engine.GetChangeCursorAsync();
        await engine.SaveAsync("a.txt", "1"u8.ToArray());
        await engine.SaveAsync("b.txt", "2"u8.ToArray());
        var endpoint = _server.Endpoint;
        await _server.StopAsync();
        var path = Path.Combine(ChangeLogDirectory(), "changes.log");
        var lines = await File.ReadAllLinesAsync(path);
        lines[2] = "{ damaged";
        await File.WriteAllLinesAsync(path, lines);
        await _server.RestartAsync(endpoint);

        await using var again = await _server.ConnectAsync(_key.Key);
        var expired = await Assert.ThrowsAsync<StorageException>(async () => await again.ReadChangesAsync(cursor));
        Assert.Equal(ChangeCursorTrust.Untrusted, expired.CursorTrust);
        Assert.Single(Directory.GetFiles(ChangeLogDirectory(), "changes.log.damaged-*"));
    }

    [Fact]
    public async Task Torn_last_line_of_a_crash_is_cut_off_and_the_epoch_kept()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        var cursor = await engine.GetChangeCursorAsync();
        await engine.SaveAsync("a.txt", "1"u8.ToArray());
        var endpoint = _server.Endpoint;
        await _server.StopAsync();
        await File.AppendAllTextAsync(Path.Combine(ChangeLogDirectory(), "changes.log"), "{\"k\":\"upsert\",\"s\":2,\"key\":\"ten");
        await _server.RestartAsync(endpoint);

        await using var again = await _server.ConnectAsync(_key.Key);
        await again.SaveAsync("b.txt", "2"u8.ToArray());
        Assert.Equal(["a.txt", "b.txt"], (await ReadAllAsync(again, cursor, 100)).Select(c => c.Key));
    }

    [Fact]
    public async Task Intent_left_open_by_a_crash_is_reconciled_from_the_engine_at_the_next_start()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        var cursor = await engine.GetChangeCursorAsync();
        var endpoint = _server.Endpoint;
        await _server.StopAsync();
        // The server died after announcing a write and after the engine wrote, before recording the change.
        await File.AppendAllTextAsync(Path.Combine(ChangeLogDirectory(), "changes.log"), "{\"k\":\"intent\",\"i\":999,\"keys\":[\"tenants/alice/crashed.txt\"]}\n");
        await _server.Engine.SaveAsync("tenants/alice/crashed.txt", "written before the crash"u8.ToArray());
        await _server.RestartAsync(endpoint);

        await using var again = await _server.ConnectAsync(_key.Key);
        var change = Assert.Single((await again.ReadChangesAsync(cursor)).Changes);
        AssertChange(change, StorageChangeKind.Upserted, "crashed.txt", await again.StatAsync("crashed.txt"));
    }

    [Fact]
    public async Task Cursor_older_than_the_retention_is_expired_Trusted()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var server = await CloudTestServer.StartAsync(options =>
        {
            options.TimeProvider = clock;
            options.ChangeRetention = TimeSpan.FromHours(1);
            options.ChangeCompactionInterval = TimeSpan.FromMinutes(10);
        });
        var key = server.CreateTenantKey();
        await using var engine = await server.ConnectAsync(key.Key);
        var old = await engine.GetChangeCursorAsync();
        await engine.SaveAsync("a.txt", "1"u8.ToArray());
        var afterA = (await engine.ReadChangesAsync(old)).Cursor;

        clock.Advance(TimeSpan.FromHours(2)); // the compaction timer runs: a.txt's change is forgotten
        await engine.SaveAsync("b.txt", "2"u8.ToArray());

        var expired = await Assert.ThrowsAsync<StorageException>(async () => await engine.ReadChangesAsync(old));
        Assert.Equal(StorageErrorCode.CursorExpired, expired.Code);
        Assert.Equal(ChangeCursorTrust.Trusted, expired.CursorTrust);
        Assert.False(expired.IsTransient);

        // A cursor after the forgotten change loses nothing and still reads.
        Assert.Equal("b.txt", Assert.Single((await engine.ReadChangesAsync(afterA)).Changes).Key);

        var raw = await RawHttp.SendAsync(server.Endpoint, "GET", "/v1/changes?cursor=" + Uri.EscapeDataString(old), key.Key);
        Assert.Equal(410, raw.Status);
        Assert.Contains("\"cursorTrust\":\"Trusted\"", raw.Body, StringComparison.Ordinal);
        AssertNoServerPath(raw.Body);
    }

    [Fact]
    public async Task Tenants_never_see_each_others_changes_and_answers_name_no_tenant_prefix()
    {
        var bobKey = _server.CreateTenantKey(tenant: "tenants/bob/");
        await using var alice = await _server.ConnectAsync(_key.Key);
        await using var bob = await _server.ConnectAsync(bobKey.Key);
        var aliceCursor = await alice.GetChangeCursorAsync();
        var bobCursor = await bob.GetChangeCursorAsync();
        await alice.SaveAsync("secret.txt", "alice's"u8.ToArray());
        await alice.DeleteAsync("secret.txt");
        await _server.Engine.SaveAsync("outside.txt", "written beside the server"u8.ToArray());

        Assert.Empty((await bob.ReadChangesAsync(bobCursor)).Changes);
        // Cursors are not secrets: bob reading with alice's cursor still sees only bob's tenant.
        Assert.Empty((await bob.ReadChangesAsync(aliceCursor)).Changes);
        Assert.False(await bob.WaitForChangesAsync(bobCursor, TimeSpan.FromSeconds(1)));

        var raw = await RawHttp.SendAsync(_server.Endpoint, "GET", "/v1/changes?cursor=" + Uri.EscapeDataString(aliceCursor), _key.Key);
        Assert.Equal(200, raw.Status);
        Assert.Contains("\"key\":\"secret.txt\"", raw.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("tenants/", raw.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Long_poll_wakes_on_a_write()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        await using var writer = await _server.ConnectAsync(_key.Key);
        var cursor = await engine.GetChangeCursorAsync();
        var waiting = engine.WaitForChangesAsync(cursor, TimeSpan.FromMinutes(10)).AsTask();
        await writer.SaveAsync("wake.txt", "up"u8.ToArray());
        Assert.True(await waiting.WaitAsync(HangGuard));
        Assert.Equal("wake.txt", Assert.Single((await engine.ReadChangesAsync(cursor)).Changes).Key);
    }

    [Fact]
    public async Task Long_poll_times_out_without_a_change_and_with_changes_outside_its_prefix()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        var cursor = await engine.GetChangeCursorAsync("watched/");
        await engine.SaveAsync("elsewhere.txt", "not watched"u8.ToArray());
        Assert.False(await engine.WaitForChangesAsync(cursor, TimeSpan.FromSeconds(1)).AsTask().WaitAsync(HangGuard));
        await engine.SaveAsync("watched/a.txt", "watched"u8.ToArray());
        Assert.True(await engine.WaitForChangesAsync(cursor, TimeSpan.FromMinutes(1)).AsTask().WaitAsync(HangGuard));
    }

    [Fact]
    public async Task Long_poll_longer_than_the_servers_cap_is_cut_to_the_cap()
    {
        await using var server = await CloudTestServer.StartAsync(options => options.MaxChangeWait = TimeSpan.FromSeconds(1));
        var key = server.CreateTenantKey();
        await using var engine = await server.ConnectAsync(key.Key);
        var cursor = await engine.GetChangeCursorAsync();
        using var client = server.RawClient(key.Key);
        using var response = await client.GetAsync(new Uri("v1/changes/wait?timeout=3600&cursor=" + Uri.EscapeDataString(cursor), UriKind.Relative)).WaitAsync(HangGuard);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"changed\":false}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/v1/changes")]
    [InlineData("/v1/changes?cursor=")]
    [InlineData("/v1/changes?cursor=not-a-cursor")]
    [InlineData("/v1/changes?cursor=YzE6eHl6OjE6")] // base64url of "c1:xyz:1:": a bad epoch
    [InlineData("/v1/changes/wait?cursor=%25%25")]
    public async Task Malformed_cursor_is_400_InvalidArgument(string target)
    {
        var raw = await RawHttp.SendAsync(_server.Endpoint, "GET", target, _key.Key);
        Assert.Equal(400, raw.Status);
        Assert.Contains("\"code\":\"InvalidArgument\"", raw.Body, StringComparison.Ordinal);

        await using var engine = await _server.ConnectAsync(_key.Key);
        Assert.Equal(StorageErrorCode.InvalidArgument, (await Assert.ThrowsAsync<StorageException>(async () => await engine.ReadChangesAsync("not-a-cursor"))).Code);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=x")]
    public async Task Bad_limit_is_400(string query)
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        var cursor = await engine.GetChangeCursorAsync();
        var raw = await RawHttp.SendAsync(_server.Endpoint, "GET", $"/v1/changes?{query}&cursor={Uri.EscapeDataString(cursor)}", _key.Key);
        Assert.Equal(400, raw.Status);
    }

    [Theory]
    [InlineData("timeout=0")]
    [InlineData("timeout=-1")]
    [InlineData("timeout=soon")]
    public async Task Bad_wait_timeout_is_400(string query)
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        var cursor = await engine.GetChangeCursorAsync();
        var raw = await RawHttp.SendAsync(_server.Endpoint, "GET", $"/v1/changes/wait?{query}&cursor={Uri.EscapeDataString(cursor)}", _key.Key);
        Assert.Equal(400, raw.Status);
    }

    [Fact]
    public async Task Feed_needs_the_read_permission()
    {
        var writeOnly = _server.CreateTenantKey(ApiKeyPermissions.Write);
        var raw = await RawHttp.SendAsync(_server.Endpoint, "GET", "/v1/changes/cursor", writeOnly.Key);
        Assert.Equal(403, raw.Status);
    }

    private string ChangeLogDirectory() => Path.ChangeExtension(_server.Keys.FilePath, ".changes");

    private static async Task<List<StorageChange>> ReadAllAsync(IStorageEngine engine, string cursor, int pageSize)
    {
        var changes = new List<StorageChange>();
        StorageChangePage page;
        do
        {
            page = await engine.ReadChangesAsync(cursor, new ChangeReadOptions { PageSize = pageSize });
            changes.AddRange(page.Changes);
            cursor = page.Cursor;
        }
        while (page.HasMore);

        return changes;
    }

    private static void AssertChange(StorageChange change, StorageChangeKind kind, string key, StorageItem? item)
    {
        Assert.Equal(kind, change.Kind);
        Assert.Equal(key, change.Key);
        if (kind == StorageChangeKind.Deleted)
        {
            Assert.Null(change.Item);
        }
        else
        {
            Assert.NotNull(change.Item);
            Assert.Equal(key, change.Item.Key);
            if (item is not null)
            {
                Assert.Equal(item, change.Item);
            }
        }
    }

    private static void AssertNoServerPath(string body)
    {
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), body, StringComparison.Ordinal);
        Assert.DoesNotContain("changes.log", body, StringComparison.Ordinal);
        Assert.DoesNotContain("tenants/", body, StringComparison.Ordinal);
    }
}
