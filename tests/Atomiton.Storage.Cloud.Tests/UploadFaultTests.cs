using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Atomiton.Storage.Cloud.Server.Auth;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Upload sessions through an unreliable path: a chunk sent twice, answers cut off, a server
/// whose answers do not add up. The upload either completes byte for byte, once, or fails
/// saying why, with its session aborted and nothing written.
/// </summary>
public sealed partial class UploadFaultTests : IAsyncLifetime
{
    private const int Chunk = 256 * 1024;

    private CloudTestServer _server = null!;
    private CreatedApiKey _key = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync();
        _key = _server.CreateTenantKey(tenant: "t/");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Chunk_sent_twice_by_a_proxy_gets_409_with_the_offset_and_the_upload_resumes_from_there()
    {
        int chunks = 0;
        InterceptingHandler handler = null!;
        handler = new InterceptingHandler(async (request, forward, cancellationToken) =>
        {
            if (!IsChunk(request) || Interlocked.Increment(ref chunks) != 2)
            {
                return await forward();
            }

            // The proxy lost the server's answer and sent the chunk again: the server already holds it.
            var bytes = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            (await handler.ForwardAsync(Copy(request, bytes), cancellationToken)).Dispose();
            return await handler.ForwardAsync(Copy(request, bytes), cancellationToken);
        });
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler);
        var content = Content(3 * Chunk + 5, seed: 11);

        var item = await engine.SaveAsync("big.bin", new MemoryStream(content));

        Assert.Equal(content.Length, item.Size);
        Assert.Equal(content, await _server.Engine.LoadBytesAsync("t/big.bin"));
        Assert.Single(handler.Requests, r => r.StartsWith("GET /v1/uploads/", StringComparison.Ordinal));
        Assert.Equal(1, _server.Engine.Count);
    }

    [Fact]
    public async Task Server_409_for_a_chunk_names_the_offset_to_resume_from()
    {
        using var client = _server.RawClient(_key.Key);
        using var created = await client.PostAsync(new Uri("v1/uploads", UriKind.Relative), new StringContent("""{ "key": "x.bin" }""", Encoding.UTF8, "application/json"));
        string id = IdOf(await created.Content.ReadAsStringAsync());
        (await client.PutAsync(new Uri($"v1/uploads/{id}?offset=0", UriKind.Relative), new ByteArrayContent(new byte[10]))).Dispose();

        using var stale = await client.PutAsync(new Uri($"v1/uploads/{id}?offset=0", UriKind.Relative), new ByteArrayContent(new byte[10]));
        string body = await stale.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("\"code\":\"Conflict\"", body, StringComparison.Ordinal);
        Assert.Contains("\"offset\":10", body, StringComparison.Ordinal);
        Assert.Contains($"The chunk starts at 0 but upload session {id} holds 10 bytes; send the chunk from offset 10.", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunk_answer_cut_off_mid_body_and_then_the_offset_answer_too_are_retried_without_sending_the_chunk_twice()
    {
        int chunks = 0;
        int offsets = 0;
        var handler = new InterceptingHandler(async (request, forward) =>
        {
            var response = await forward();
            bool cut = (IsChunk(request) && Interlocked.Increment(ref chunks) == 2)
                || (InterceptingHandler.Is(request, HttpMethod.Get, "/v1/uploads/") && Interlocked.Increment(ref offsets) == 1);
            return cut ? CutOff(response) : response;
        });
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler);
        var content = Content(3 * Chunk + 5, seed: 12);

        await engine.SaveAsync("big.bin", new MemoryStream(content));

        Assert.Equal(content, await _server.Engine.LoadBytesAsync("t/big.bin"));
        Assert.Equal(4, handler.Requests.Count(r => r.StartsWith("PUT /v1/uploads/", StringComparison.Ordinal)));
        Assert.Equal(2, handler.Requests.Count(r => r.StartsWith("GET /v1/uploads/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Session_holding_fewer_bytes_than_were_acknowledged_abandons_the_upload_and_writes_nothing()
    {
        int chunks = 0;
        var handler = new InterceptingHandler(async (request, forward) =>
        {
            if (InterceptingHandler.Is(request, HttpMethod.Get, "/v1/uploads/"))
            {
                // A server that lost the first chunk (restored from an old backup, say).
                string id = request.RequestUri!.AbsolutePath["/v1/uploads/".Length..];
                return Json(HttpStatusCode.OK, $$"""{ "id": "{{id}}", "key": "big.bin", "offset": 5 }""");
            }

            var response = await forward();
            if (IsChunk(request) && Interlocked.Increment(ref chunks) == 2)
            {
                response.Dispose();
                throw new HttpRequestException("Injected fault: the connection dropped before the answer arrived.");
            }

            return response;
        });
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler);
        await _server.Engine.SaveAsync("t/big.bin", "previous"u8.ToArray());

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("big.bin", new MemoryStream(Content(3 * Chunk, seed: 13))));

        string session = SessionOf(handler);
        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.False(error.IsTransient);
        Assert.Equal($"Upload session {session} holds 5 bytes, outside the chunk being resent ({Chunk}–{2 * Chunk}); the upload was abandoned and nothing was written. Save again.", error.Message);
        await AssertAbortedAndUnchangedAsync(handler, session);
    }

    [Fact]
    public async Task Chunk_acknowledged_at_another_offset_is_an_integrity_error_and_the_upload_is_abandoned()
    {
        var handler = new InterceptingHandler(async (request, forward) =>
        {
            var response = await forward();
            if (!IsChunk(request))
            {
                return response;
            }

            response.Dispose();
            string id = request.RequestUri!.AbsolutePath["/v1/uploads/".Length..];
            return Json(HttpStatusCode.OK, $$"""{ "id": "{{id}}", "key": "big.bin", "offset": 1000 }""");
        });
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler);
        await _server.Engine.SaveAsync("t/big.bin", "previous"u8.ToArray());

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("big.bin", new MemoryStream(Content(2 * Chunk, seed: 14))));

        string session = SessionOf(handler);
        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Equal($"Upload session {session} holds 1000 bytes where {Chunk} were sent; the upload was abandoned. Save again.", error.Message);
        await AssertAbortedAndUnchangedAsync(handler, session);
    }

    private async Task AssertAbortedAndUnchangedAsync(InterceptingHandler handler, string session)
    {
        Assert.Contains($"DELETE /v1/uploads/{session}", handler.Requests);
        Assert.Equal("previous"u8.ToArray(), await _server.Engine.LoadBytesAsync("t/big.bin"));
        Assert.Equal(1, _server.Engine.Count);
        Assert.Empty(Directory.GetFiles(_server.Options.UploadDirectory!, session + "*"));
    }

    private static bool IsChunk(HttpRequestMessage request) =>
        InterceptingHandler.Is(request, HttpMethod.Put, "/v1/uploads/");

    private static string SessionOf(InterceptingHandler handler) =>
        SessionPattern().Match(handler.Requests.First(r => r.StartsWith("PUT /v1/uploads/", StringComparison.Ordinal))).Groups[1].Value;

    private static string IdOf(string sessionJson) => SessionIdPattern().Match(sessionJson).Groups[1].Value;

    private static HttpRequestMessage Copy(HttpRequestMessage request, byte[] body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Content = new ByteArrayContent(body) };
        copy.Headers.Authorization = request.Headers.Authorization;
        return copy;
    }

    private static HttpResponseMessage CutOff(HttpResponseMessage response)
    {
        var cut = new HttpResponseMessage(response.StatusCode) { Content = new StreamContent(new BrokenStream("{\"id\":"u8.ToArray(), "Connection reset by peer")) };
        cut.Content.Headers.ContentType = response.Content.Headers.ContentType;
        response.Dispose();
        return cut;
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static byte[] Content(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [GeneratedRegex("^PUT /v1/uploads/([0-9a-f]{32})")]
    private static partial Regex SessionPattern();

    [GeneratedRegex("\"id\":\"([0-9a-f]{32})\"")]
    private static partial Regex SessionIdPattern();
}
