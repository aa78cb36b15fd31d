using System.Diagnostics;
using Atomiton.Storage.Emulators.OneDrive;
using Atomiton.Storage.Plugins.OneDrive;

namespace Atomiton.Storage.OneDrive.Tests;

/// <summary>
/// Graph's faults against the plugin, scripted in the emulator: each test states the outcome and counts the
/// requests that reached the emulator (deterministic, unlike timings).
/// </summary>
public sealed class OneDriveFaultTests : IAsyncLifetime
{
    private GraphDriveServer _server = null!;

    public async Task InitializeAsync() => _server = await OneDriveEmulatorFixture.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    // The request log holds the request being matched already.
    private int FragmentsSent() => _server.Requests.Count(r => r.Method == "PUT" && r.IsContentHost);

    private int Count(string method, string contains) =>
        _server.Requests.Count(r => r.Method == method && Uri.UnescapeDataString(r.Target).Contains(contains, StringComparison.Ordinal));

    [Fact]
    public async Task Throttled_stat_waits_for_Retry_After_then_succeeds_with_one_more_request()
    {
        await using var engine = await OneDriveEmulatorFixture.ConnectAsync(_server);
        await engine.SaveAsync("t/a.bin", new MemoryStream(Bytes(10, 1)));
        _server.ClearRequests();
        _server.AddFault(GraphDriveFault.Throttle(r => r.Method == "GET" && r.Target.Contains("a.bin", StringComparison.Ordinal), retryAfterSeconds: 1));

        var watch = Stopwatch.StartNew();
        var item = await engine.StatAsync("t/a.bin");

        Assert.Equal(10, item.Size);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"the retry came after {watch.Elapsed}, before Retry-After's second");
        Assert.Equal(2, Count("GET", "a.bin"));
        Assert.Contains(_server.Requests, r => r.Status == 429);
    }

    [Theory]
    [InlineData(503, "serviceNotAvailable")]
    [InlineData(500, "generalException")]
    [InlineData(502, "badGateway")]
    public async Task Server_errors_on_a_save_are_retried_and_the_object_is_written_once(int status, string code)
    {
        await using var engine = await OneDriveEmulatorFixture.ConnectAsync(_server);
        _server.AddFault(GraphDriveFault.Error(r => r.Method == "PUT", status, code));

        var saved = await engine.SaveAsync("s/x.bin", new MemoryStream(Bytes(1000, 2)));

        Assert.Equal(1000, saved.Size);
        Assert.Equal(2, Count("PUT", "x.bin"));
        Assert.Equal(Bytes(1000, 2), await engine.LoadBytesAsync("s/x.bin"));
    }

    [Fact]
    public async Task Dropped_connection_on_a_save_is_retried()
    {
        await using var engine = await OneDriveEmulatorFixture.ConnectAsync(_server);
        _server.AddFault(new GraphDriveFault(GraphDriveFaultKind.DropConnection, r => r.Method == "PUT"));

        await engine.SaveAsync("d/x.bin", new MemoryStream(Bytes(5000, 3)));

        Assert.Equal(2, Count("PUT", "x.bin"));
        Assert.Single(_server.Requests, r => r.Method == "PUT" && r.Status == 0);
        Assert.Equal(Bytes(5000, 3), await engine.LoadBytesAsync("d/x.bin"));
    }

    [Fact]
    public async Task Upload_session_fragments_that_fail_are_sent_again_and_the_hash_is_right()
    {
        await using var engine = await OneDriveEmulatorFixture.ConnectAsync(_server);
        var content = Bytes((4 * OneDriveOptions.FragmentUnit) + 1234, 4);
        _server.AddFault(new GraphDriveFault(GraphDriveFaultKind.DropConnection, r => r.Method == "PUT" && r.IsContentHost && FragmentsSent() == 2));
        _server.AddFault(GraphDriveFault.Throttle(r => r.Method == "PUT" && r.IsContentHost && FragmentsSent() == 4, retryAfterSeconds: 1));

        var saved = await engine.SaveAsync("u/big.bin", new MemoryStream(content));

        Assert.Equal(content.Length, saved.Size);
        Assert.Equal(StorageContentHash.Compute(StorageHashAlgorithms.QuickXor, content), saved.Hashes[StorageHashAlgorithms.QuickXor]);
        Assert.Equal(1, engine.SessionCounts.Created);
        Assert.Equal(5 + 2, _server.Requests.Count(r => r.Method == "PUT" && r.IsContentHost));
        Assert.DoesNotContain(_server.Requests, r => r.IsContentHost && r.HadAuthorization);
        Assert.Equal(content, await engine.LoadBytesAsync("u/big.bin"));
    }

    [Fact]
    public async Task Expired_upload_session_restarts_the_upload_with_a_new_session()
    {
        await using var engine = await OneDriveEmulatorFixture.ConnectAsync(_server);
        var content = Bytes((3 * OneDriveOptions.FragmentUnit) + 10, 5);
        _server.AddFault(new GraphDriveFault(GraphDriveFaultKind.ExpireUploadSessions, r => r.Method == "PUT" && r.IsContentHost && FragmentsSent() == 2));

        var saved = await engine.SaveAsync("e/big.bin", new MemoryStream(content));

        Assert.Equal(2, engine.SessionCounts.Created);
        Assert.Equal(1, engine.SessionCounts.Restarted);
        Assert.Equal(2, Count("POST", "createUploadSession"));
        Assert.Equal(StorageContentHash.Compute(StorageHashAlgorithms.QuickXor, content), saved.Hashes[StorageHashAlgorithms.QuickXor]);
        Assert.Equal(content, await engine.LoadBytesAsync("e/big.bin"));
    }

    [Fact]
    public async Task Quota_limit_reached_is_QuotaExceeded_naming_the_key_and_Graphs_code_and_writes_nothing()
    {
        await using var small = await OneDriveEmulatorFixture.StartAsync(new GraphDriveOptions { QuotaTotal = 1000 });
        await using var engine = await OneDriveEmulatorFixture.ConnectAsync(small);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("q/too-big.bin", new MemoryStream(Bytes(2000, 6))));

        Assert.Equal(StorageErrorCode.QuotaExceeded, error.Code);
        Assert.Contains("q/too-big.bin", error.Message, StringComparison.Ordinal);
        Assert.Contains("quotaLimitReached", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.False(await engine.ExistsAsync("q/too-big.bin"));
        Assert.Equal(1, small.Requests.Count(r => r.Method == "PUT"));
    }

    [Fact]
    public async Task Refused_token_is_renewed_once_and_the_request_sent_again()
    {
        var tokens = new FixedTokens(OneDriveEmulatorFixture.Token, renewed: "renewed-token");
        _server.AddAccessToken("renewed-token");
        await using var engine = await OneDriveEmulatorFixture.ConnectAsync(_server, tokens: tokens);
        _server.ClearRequests();
        _server.AddFault(new GraphDriveFault(GraphDriveFaultKind.RevokeAccessToken, r => r.Method == "PUT"));

        await engine.SaveAsync("a/x.bin", new MemoryStream(Bytes(10, 7)));

        Assert.Equal(1, tokens.Renewals);
        Assert.Equal([401, 201], _server.Requests.Where(r => r.Method == "PUT").Select(r => r.Status));
    }

    [Fact]
    public async Task Token_refused_after_renewal_is_AuthenticationFailed_without_the_token_in_the_message()
    {
        var tokens = new FixedTokens(OneDriveEmulatorFixture.Token, renewed: "never-accepted");
        await using var engine = await OneDriveEmulatorFixture.ConnectAsync(_server, tokens: tokens);
        _server.AddFault(new GraphDriveFault(GraphDriveFaultKind.RevokeAccessToken, r => r.Method == "GET"));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("a/missing.bin"));

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.Equal(1, tokens.Renewals);
        Assert.Contains("a/missing.bin", error.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidAuthenticationToken", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("never-accepted", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(OneDriveEmulatorFixture.Token, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Persistent_unavailability_ends_after_the_configured_retries_as_a_transient_error()
    {
        var options = OneDriveEmulatorFixture.Options(_server);
        options.MaxRetries = 2;
        await using var engine = await OneDriveEmulatorFixture.ConnectAsync(_server, options);
        await engine.SaveAsync("p/x.bin", new MemoryStream(Bytes(10, 8)));
        _server.ClearRequests();
        _server.AddFault(GraphDriveFault.Error(r => r.Method == "GET", 503, "serviceNotAvailable", times: 100));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("p/x.bin"));

        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.True(error.IsTransient);
        Assert.Contains("serviceNotAvailable", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _server.Requests.Count(r => r.Method == "GET"));
    }

    [Fact]
    public async Task Batch_delete_of_41_keys_takes_three_batched_reads_and_two_batched_deletes()
    {
        await using var engine = await OneDriveEmulatorFixture.ConnectAsync(_server);
        var keys = Enumerable.Range(0, 40).Select(i => $"b/{i:D2}").ToList();
        foreach (var key in keys)
        {
            await engine.SaveAsync(key, new MemoryStream(Bytes(3, 9)));
        }

        _server.ClearRequests();
        var results = await engine.DeleteManyAsync([.. keys, "b/missing"]);

        Assert.All(results.Take(40), r => Assert.True(r.Deleted, r.Key));
        Assert.False(results[40].Deleted);
        Assert.Equal(3 + 2, _server.Requests.Count(r => r.Target.EndsWith("$batch", StringComparison.Ordinal)));
        Assert.Empty(await engine.ListAsync(new ListOptions { Prefix = "b/" }).ToListAsync());
    }
}
