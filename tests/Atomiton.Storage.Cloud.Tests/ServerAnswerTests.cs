using System.Net;
using System.Text;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Plugins.Cloud;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Answers the plugin cannot use — malformed JSON, a missing or garbled item header, a body cut
/// off, no answer at all — become clear errors (retried when worth it); nothing is half-read or
/// leaked, and a server that went away is reported as disconnected rather than thrown.
/// </summary>
public sealed class ServerAnswerTests : IAsyncLifetime
{
    private CloudTestServer _server = null!;
    private CreatedApiKey _key = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync();
        _key = _server.CreateTenantKey(tenant: "t/");
        await _server.Engine.SaveAsync("t/doc.txt", "0123456789"u8.ToArray());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("<html>login page</html>", "The Atomiton Cloud server sent a malformed WireListPage ('<' is an invalid start of a value. Path: $ | LineNumber: 0 | BytePositionInLine: 0.). Check that 'endpoint' points at an Atomiton Cloud server of API version 1.")]
    [InlineData("null", "The Atomiton Cloud server sent a malformed WireListPage (The body is JSON null.). Check that 'endpoint' points at an Atomiton Cloud server of API version 1.")]
    public async Task Malformed_JSON_answer_is_a_serialization_error_that_is_not_retried(string body, string message)
    {
        var handler = new InterceptingHandler((request, forward) => InterceptingHandler.Is(request, HttpMethod.Get, "/v1/list")
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") })
            : forward());
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.ListAsync().ToListAsync());

        Assert.Equal(StorageErrorCode.SerializationError, error.Code);
        Assert.False(error.IsTransient);
        Assert.Equal(message, error.Message);
        Assert.Single(handler.Requests, r => r.StartsWith("GET /v1/list", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("!!not-base64!!")]
    [InlineData("e30")] // {} lacks the required members
    public async Task Answer_without_a_valid_item_header_is_refused_for_load_and_stat(string? itemHeader)
    {
        var handler = new InterceptingHandler(async (request, forward) =>
        {
            var response = await forward();
            if (InterceptingHandler.Is(request, HttpMethod.Get, "/v1/objects/") || InterceptingHandler.Is(request, HttpMethod.Head, "/v1/objects/"))
            {
                response.Headers.Remove("X-Atomiton-Item");
                if (itemHeader is not null)
                {
                    response.Headers.TryAddWithoutValidation("X-Atomiton-Item", itemHeader);
                }
            }

            return response;
        });
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler);

        var load = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("doc.txt"));
        var stat = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("doc.txt"));

        foreach (var error in new[] { load, stat })
        {
            Assert.Equal(StorageErrorCode.SerializationError, error.Code);
            Assert.Equal("doc.txt", error.Key);
            Assert.Equal("The Atomiton Cloud server's response lacks a valid X-Atomiton-Item header. Check that 'endpoint' points at an Atomiton Cloud server (API version 1), not a proxy that strips headers.", error.Message);
        }
    }

    [Fact]
    public async Task JSON_answer_cut_off_mid_body_is_retried_and_the_caller_sees_only_success()
    {
        int cut = 0;
        var handler = new InterceptingHandler(async (request, forward) =>
        {
            var response = await forward();
            if (InterceptingHandler.Is(request, HttpMethod.Get, "/v1/list") && Interlocked.Increment(ref cut) == 1)
            {
                var body = await response.Content.ReadAsByteArrayAsync();
                var broken = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new BrokenStream(body[..(body.Length / 2)], "Connection reset by peer")) };
                broken.Content.Headers.ContentType = response.Content.Headers.ContentType;
                response.Dispose();
                return broken;
            }

            return response;
        });
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler);

        var keys = await engine.ListAsync().Select(e => e.Key).ToListAsync();

        Assert.Equal(["doc.txt"], keys);
        Assert.Equal(2, handler.Requests.Count(r => r.StartsWith("GET /v1/list", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Server_that_does_not_answer_in_time_is_a_transient_Timeout_naming_the_option()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new InterceptingHandler(async (request, forward, cancellationToken) =>
        {
            if (!InterceptingHandler.Is(request, HttpMethod.Head, "/v1/objects/"))
            {
                return await forward();
            }

            waiting.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken); // a server that never answers
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler, configure: o =>
        {
            o.MaxRetries = 0;
            o.RequestTimeout = TimeSpan.FromSeconds(30);
        }, time: time);

        var stat = engine.StatAsync("doc.txt").AsTask();
        await waiting.Task;
        time.Advance(TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<StorageException>(() => stat);

        Assert.Equal(StorageErrorCode.Timeout, error.Code);
        Assert.True(error.IsTransient);
        Assert.Equal("doc.txt", error.Key);
        Assert.Equal("The Atomiton Cloud server did not answer within 30 s (option 'requestTimeout').", error.Message);
    }

    [Fact]
    public async Task Info_from_a_server_that_went_away_says_disconnected_and_keeps_the_last_known_limits()
    {
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler: null, configure: o => o.MaxRetries = 0);
        var before = await engine.GetInfoAsync();

        await _server.StopAsync();
        var after = await engine.GetInfoAsync();

        Assert.True(before.IsConnected);
        Assert.False(after.IsConnected);
        Assert.Equal(before.Limits, after.Limits);
        Assert.Equal(before.Details["endpoint"], after.Details["endpoint"]);
        await _server.RestartAsync(new Uri(before.Details["endpoint"]));
    }

    [Fact]
    public async Task Empty_api_key_is_refused_before_any_request_naming_stage_and_pipeline()
    {
        var error = await Assert.ThrowsAsync<StorageException>(async () => await new CloudProvider().CreateAsync(
            new CloudOptions { Endpoint = _server.Endpoint.ToString(), ApiKey = "" },
            new StorageProviderContext { PipelineName = "remote", StageName = "vault" }));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Equal("Option 'apiKey' of stage 'vault' in pipeline 'remote' is empty; reference the key with env:NAME or file:PATH.", error.Message);
    }

    [Fact]
    public async Task Connecting_cancelled_by_the_caller_throws_cancellation_not_a_storage_error()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await CloudEngine.ConnectAsync(
            new CloudOptions { Endpoint = _server.Endpoint.ToString(), ApiKey = _key.Key },
            new StorageProviderContext { PipelineName = "p", StageName = "s" },
            cancelled.Token));
    }

    [Fact]
    public async Task Read_stream_is_forward_only_and_reads_synchronously_too()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        await using var result = await engine.OpenReadAsync("doc.txt");
        var stream = result.Content;

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Position);
        Assert.Throws<NotSupportedException>(() => stream.Position = 0);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.SetLength(0));
        Assert.Throws<NotSupportedException>(() => stream.Write(new byte[1], 0, 1));
        stream.Flush();
        var first = new byte[2];
        Assert.Equal(2, stream.Read(first, 0, 2));
        var second = new byte[3];
        Assert.Equal(3, stream.Read(second.AsSpan()));
        var third = new byte[5];
#pragma warning disable CA1835 // The array overload is the one under test.
        Assert.Equal(5, await stream.ReadAsync(third, 0, 5));
#pragma warning restore CA1835
        Assert.Equal("0123456789"u8.ToArray(), first.Concat(second).Concat(third).ToArray());
        Assert.Equal(0, stream.Read(new byte[1], 0, 1));
        stream.Dispose();

        Assert.Equal("0123456789"u8.ToArray(), await engine.LoadBytesAsync("doc.txt"));
    }
}
