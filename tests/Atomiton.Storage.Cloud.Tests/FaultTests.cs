using System.Net;
using Atomiton.Storage.Cloud.Server.Auth;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// The server stopped mid-upload and restarted: the upload resumes from the server's offset, or
/// fails cleanly — never a partial object. Answers lost on the way back are not duplicated.
/// 429 storms are absorbed by waiting as long as Retry-After says.
/// </summary>
public sealed class FaultTests
{
    private const int Chunk = 256 * 1024;

    [Fact]
    public async Task Server_stopped_in_the_middle_of_a_chunk_and_restarted_lets_the_upload_resume_exactly()
    {
        await using var server = await CloudTestServer.StartAsync();
        var key = server.CreateTenantKey(tenant: "t/");
        var handler = new FaultInjectingHandler { StallChunk = 3 };
        await using var engine = await server.ConnectThroughAsync(key.Key, handler, configure: o => o.MaxRetries = 8);
        var content = Content(8 * Chunk + 1234, seed: 9);

        var save = engine.SaveAsync("big.bin", new MemoryStream(content)).AsTask();
        await handler.HalfSent.Task;
        var endpoint = server.Endpoint;
        await server.StopAsync();
        await server.RestartAsync(endpoint);
        handler.Release.SetResult();
        var item = await save;

        Assert.Equal(content.Length, item.Size);
        Assert.Equal(content, await server.Engine.LoadBytesAsync("t/big.bin"));
        Assert.Contains(handler.Requests, r => r.StartsWith("GET /v1/uploads/", StringComparison.Ordinal));
        Assert.Equal(1, server.Engine.Count);
    }

    [Fact]
    public async Task Server_that_never_comes_back_fails_the_upload_cleanly_and_leaves_no_object()
    {
        await using var server = await CloudTestServer.StartAsync();
        var key = server.CreateTenantKey(tenant: "t/");
        var handler = new FaultInjectingHandler { StallChunk = 2 };
        await using var engine = await server.ConnectThroughAsync(key.Key, handler, configure: o =>
        {
            o.MaxRetries = 2;
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
        });
        await server.Engine.SaveAsync("t/big.bin", "previous version"u8.ToArray());

        var save = engine.SaveAsync("big.bin", new MemoryStream(Content(4 * Chunk, seed: 3))).AsTask();
        await handler.HalfSent.Task;
        var endpoint = server.Endpoint;
        await server.StopAsync();
        handler.Release.SetResult();
        var error = await Assert.ThrowsAsync<StorageException>(() => save);

        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.True(error.IsPersistent, "the transport retried (maxRetries 2) and gave up: persistent, not transient");
        Assert.False(error.IsTransient);
        await server.RestartAsync(endpoint);
        Assert.Equal("previous version"u8.ToArray(), await server.Engine.LoadBytesAsync("t/big.bin"));
        Assert.Equal(1, server.Engine.Count);
    }

    [Fact]
    public async Task Chunk_whose_answer_was_lost_is_not_sent_twice()
    {
        await using var server = await CloudTestServer.StartAsync();
        var key = server.CreateTenantKey(tenant: "t/");
        var handler = new FaultInjectingHandler { DropAnswerOfChunk = 2 };
        await using var engine = await server.ConnectThroughAsync(key.Key, handler);
        var content = Content(3 * Chunk + 17, seed: 5);

        await engine.SaveAsync("big.bin", new MemoryStream(content));

        Assert.Equal(content, await server.Engine.LoadBytesAsync("t/big.bin"));
        Assert.Contains(handler.Requests, r => r.StartsWith("GET /v1/uploads/", StringComparison.Ordinal));
        Assert.Equal(4, handler.Requests.Count(r => r.StartsWith("PUT /v1/uploads/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_429_storm_is_absorbed_by_waiting_for_Retry_After()
    {
        await using var server = await CloudTestServer.StartAsync(o =>
        {
            o.RateLimitPermits = 10;
            o.RateLimitWindow = TimeSpan.FromSeconds(1);
        });
        var key = server.CreateTenantKey(tenant: "t/");
        var log = new RecordingStorageLogger();
        await using var engine = await server.ConnectThroughAsync(key.Key, handler: null, log, o => o.MaxRetries = 20);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => engine.SaveAsync($"k{i:D2}", new[] { (byte)i }).AsTask()));

        Assert.Equal(40, server.Engine.Count);
        Assert.Contains(log.Messages, m => m.Contains("RateLimited", StringComparison.Ordinal));
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal(new[] { (byte)i }, await server.Engine.LoadBytesAsync($"t/k{i:D2}"));
        }
    }

    [Fact]
    public async Task Rate_limited_requests_get_429_with_Retry_After_and_limits_are_per_key()
    {
        await using var server = await CloudTestServer.StartAsync(o =>
        {
            o.RateLimitPermits = 3;
            o.RateLimitWindow = TimeSpan.FromMinutes(1);
        });
        var noisy = server.CreateTenantKey(tenant: "a/");
        var quiet = server.CreateTenantKey(tenant: "b/");
        using var noisyClient = server.RawClient(noisy.Key);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (int i = 0; i < 5; i++)
        {
            var response = await noisyClient.GetAsync(new Uri("v1/list", UriKind.Relative));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.NotNull(limited!.Headers.RetryAfter?.Delta);
        Assert.True(limited.Headers.RetryAfter!.Delta > TimeSpan.Zero);
        Assert.Equal("RateLimited", await AuthenticationTests.CodeOfAsync(limited));

        using var quietClient = server.RawClient(quiet.Key);
        using var other = await quietClient.GetAsync(new Uri("v1/list", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        await using var engine = await server.ConnectThroughAsync(quiet.Key, handler: null, configure: o => o.MaxRetries = 0);
        await engine.SaveAsync("one", new byte[1]);
        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("two", new byte[1]));
        Assert.Equal(StorageErrorCode.RateLimited, error.Code);
        Assert.True(error.IsTransient);
        Assert.NotNull(error.RetryAfter);
    }

    private static byte[] Content(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
