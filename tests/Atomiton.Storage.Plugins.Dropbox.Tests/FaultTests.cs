using System.Text;
using Atomiton.Storage.Emulators.Dropbox;
using Atomiton.Storage.OAuth;

namespace Atomiton.Storage.Plugins.Dropbox.Tests;

/// <summary>Dropbox's errors and limits through the plugin, with the requests each outcome took (counted at the emulator).</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private DropboxTestServer _server = null!;

    private DropboxFaults Faults => _server.Server.Faults;

    public async Task InitializeAsync() => _server = await DropboxTestServer.StartAsync(new DropboxEmulatorOptions { SpaceAllocated = 1024 * 1024 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_save_is_one_upload_and_a_load_one_download()
    {
        await using var engine = await _server.ConnectAsync();
        Faults.ResetCounts();
        var saved = await engine.SaveAsync("docs/a.txt", new MemoryStream(Encoding.UTF8.GetBytes("hello")));
        Assert.Equal(1, Faults.Count("files/upload"));
        Assert.Equal(1, Faults.Counts.Values.Sum());

        var bytes = await engine.LoadBytesAsync("docs/a.txt");
        Assert.Equal("hello", Encoding.UTF8.GetString(bytes));
        Assert.Equal(1, Faults.Count("files/download"));
        Assert.Equal(StorageContentHash.Compute(StorageHashAlgorithms.Dropbox, bytes), saved.Hashes[StorageHashAlgorithms.Dropbox]);
    }

    [Fact]
    public async Task Too_many_write_operations_is_waited_out_and_the_write_lands_once()
    {
        await using var engine = await _server.ConnectAsync();
        Faults.ResetCounts();
        Faults.Add("files/upload", DropboxFaults.Kind.RateLimit, times: 2, reason: "too_many_write_operations", retryAfterSeconds: 0);

        var saved = await engine.SaveAsync("busy", new MemoryStream([1, 2, 3]));

        Assert.Equal(3, Faults.Count("files/upload"));
        Assert.Equal(3, (await engine.StatAsync("busy")).Size);
        Assert.Equal(saved.ETag, (await engine.StatAsync("busy")).ETag);
    }

    [Fact]
    public async Task A_429_that_outlasts_the_retries_is_RateLimited_naming_the_key_and_the_tag()
    {
        var options = _server.Options();
        options.MaxRetries = 2;
        await using var engine = await _server.ConnectAsync(options);
        Faults.Add("files/get_metadata", DropboxFaults.Kind.RateLimit, times: 3, reason: "too_many_requests", retryAfterSeconds: 0);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("hot"));

        Assert.Equal(StorageErrorCode.RateLimited, error.Code);
        Assert.Contains("'hot'", error.Message, StringComparison.Ordinal);
        Assert.Contains("too_many_requests", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, Faults.Count("files/get_metadata"));
    }

    [Fact]
    public async Task Server_errors_are_retried()
    {
        await using var engine = await _server.ConnectAsync();
        await engine.SaveAsync("k", new MemoryStream([9]));
        Faults.ResetCounts();
        Faults.Add("files/download", DropboxFaults.Kind.ServerError, times: 2, status: 500);

        Assert.Equal([9], await engine.LoadBytesAsync("k"));
        Assert.Equal(3, Faults.Count("files/download"));
    }

    [Fact]
    public async Task An_expired_access_token_is_refreshed_once_and_the_request_repeated()
    {
        await using var engine = await _server.ConnectAsync();
        await engine.SaveAsync("k", new MemoryStream([1]));
        int refreshes = _server.Server.OAuth.Refreshes;
        Faults.ResetCounts();
        _server.Server.ExpireAccessTokens();

        Assert.Equal(1, (await engine.StatAsync("k")).Size);

        Assert.Equal(refreshes + 1, _server.Server.OAuth.Refreshes);
        Assert.Equal(2, Faults.Count("files/get_metadata"));
        var stored = OAuthTokens.Parse(_server.Credentials.Peek(OAuthSession.CredentialName)!);
        Assert.NotNull(stored.RefreshToken); // Dropbox keeps its refresh token: the stored one is still there
    }

    [Fact]
    public async Task A_token_refused_after_its_refresh_is_AuthenticationFailed_not_a_loop()
    {
        await using var engine = await _server.ConnectAsync();
        Faults.ResetCounts();
        Faults.Add("files/get_metadata", DropboxFaults.Kind.ExpiredToken, times: 2);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("k"));

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.Equal(2, Faults.Count("files/get_metadata"));
    }

    [Fact]
    public async Task A_revoked_refresh_token_is_AuthorizationRequired_naming_the_command()
    {
        await using var engine = await _server.ConnectAsync();
        _server.Server.OAuth.RevokeAllRefreshTokens();
        _server.Server.ExpireAccessTokens();

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("k"));

        Assert.Equal(StorageErrorCode.AuthorizationRequired, error.Code);
        Assert.Contains("auth login tests/dropbox", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Insufficient_space_is_QuotaExceeded_and_nothing_is_written()
    {
        await using var engine = await _server.ConnectAsync();
        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("big", new MemoryStream(new byte[2 * 1024 * 1024])));

        Assert.Equal(StorageErrorCode.QuotaExceeded, error.Code);
        Assert.Contains("insufficient_space", error.Message, StringComparison.Ordinal);
        Assert.False(await engine.ExistsAsync("big"));
        var info = await engine.GetInfoAsync();
        Assert.Equal(1024 * 1024, info.Limits.QuotaTotal);
    }

    [Fact]
    public async Task Conditional_writes_use_update_and_add_with_one_request_each()
    {
        await using var engine = await _server.ConnectAsync();
        var first = await engine.SaveAsync("c", new MemoryStream([1]));
        Faults.ResetCounts();

        var second = await engine.SaveAsync("c", new MemoryStream([2]), new SaveOptions { Condition = WriteCondition.IfMatch(first.ETag) });
        var stale = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("c", new MemoryStream([3]), new SaveOptions { Condition = WriteCondition.IfMatch(first.ETag) }));
        var taken = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("c", new MemoryStream([2]), new SaveOptions { Condition = WriteCondition.IfNotExists }));

        Assert.Equal(StorageErrorCode.Conflict, stale.Code);
        Assert.Equal(StorageErrorCode.Conflict, taken.Code); // identical bytes too: strict_conflict
        Assert.Equal(3, Faults.Count("files/upload"));
        Assert.Equal(3, Faults.Counts.Values.Sum());
        Assert.Equal(second.ETag, (await engine.StatAsync("c")).ETag);
    }

    [Fact]
    public async Task A_create_only_save_whose_answer_was_lost_succeeds_on_its_retry()
    {
        await using var engine = await _server.ConnectAsync();
        Faults.Add("files/upload", DropboxFaults.Kind.CutAfterEffect);

        var saved = await engine.SaveAsync("once", new MemoryStream([7, 7]), new SaveOptions { Condition = WriteCondition.IfNotExists });

        Assert.Equal(2, saved.Size);
        Assert.Equal(2, Faults.Count("files/upload"));
    }

    [Fact]
    public async Task A_reset_cursor_is_CursorExpired()
    {
        await using var engine = await _server.ConnectAsync();
        var cursor = await engine.GetChangeCursorAsync();
        _server.Server.ResetCursors();

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.ReadChangesAsync(cursor));

        Assert.Equal(StorageErrorCode.CursorExpired, error.Code);
        Assert.Equal(ChangeCursorTrust.Untrusted, error.CursorTrust);
        Assert.Contains("reset", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_are_serialised_so_concurrent_saves_meet_no_lock_contention()
    {
        await using var engine = await _server.ConnectAsync();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => engine.SaveAsync($"many/{i}", new MemoryStream([(byte)i])).AsTask()));
        Assert.Equal(16, Faults.Count("files/upload"));
    }

    [Fact]
    public async Task Batch_delete_is_one_batch_and_its_job_checks()
    {
        await using var engine = await _server.ConnectAsync();
        for (int i = 0; i < 5; i++)
        {
            await engine.SaveAsync($"b/{i}", new MemoryStream([1]));
        }

        Faults.ResetCounts();
        var results = await engine.DeleteManyAsync(["b/0", "b/1", "b/2", "b/3", "b/4", "b/missing"]);

        Assert.Equal([true, true, true, true, true, false], results.Select(r => r.Deleted));
        Assert.Equal(1, Faults.Count("files/delete_batch"));
        Assert.Equal(2, Faults.Count("files/delete_batch/check")); // in_progress, then complete
        Assert.Equal(6, Faults.Count("files/get_metadata"));
    }

    [Fact]
    public async Task Deleting_a_key_named_like_a_folder_deletes_nothing()
    {
        await using var engine = await _server.ConnectAsync();
        await engine.SaveAsync("dir/inner", new MemoryStream([1]));

        Assert.False(await engine.DeleteAsync("dir"));
        Assert.True(await engine.ExistsAsync("dir/inner"));
    }

    [Fact]
    public async Task Non_ASCII_keys_travel_escaped_in_the_argument_header()
    {
        await using var engine = await _server.ConnectAsync();
        await engine.SaveAsync("café/日本/😀.txt", new MemoryStream([5]));

        Assert.Equal([5], await engine.LoadBytesAsync("café/日本/😀.txt"));
        var keys = new List<string>();
        await foreach (var entry in engine.ListAsync())
        {
            keys.Add(entry.Key);
        }

        Assert.Equal(["café/日本/😀.txt"], keys);
    }
}
