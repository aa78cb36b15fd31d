using System.Net;
using System.Text;
using Atomiton.Storage.Cloud.Server.Auth;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>Oversized bodies and headers, malformed Range, If-Match and If-None-Match: refused with the right status, nothing changed, the server healthy.</summary>
public sealed class RequestLimitTests : IAsyncLifetime
{
    private CloudTestServer _server = null!;
    private CreatedApiKey _key = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync(o =>
        {
            o.MaxRequestBodySize = 64 * 1024;
            o.MaxObjectSize = 1024 * 1024;
            o.MaxRequestHeadersTotalSize = 16 * 1024;
        });
        _key = _server.CreateTenantKey(tenant: "t/");
        await _server.Engine.SaveAsync("t/doc.txt", "0123456789"u8.ToArray());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Body_over_the_request_limit_is_refused_with_413_ObjectTooLarge()
    {
        using var client = _server.RawClient(_key.Key);
        using var response = await client.PutAsync(new Uri("v1/objects/doc.txt", UriKind.Relative), new ByteArrayContent(new byte[65 * 1024]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("ObjectTooLarge", await AuthenticationTests.CodeOfAsync(response));
        await AssertUnchangedAndHealthyAsync();
    }

    [Fact]
    public async Task Chunked_body_that_grows_past_the_limit_is_refused_with_413_and_nothing_is_written()
    {
        using var client = _server.RawClient(_key.Key);
        var content = new StreamContent(new MemoryStream(new byte[200 * 1024]));
        content.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Put, "v1/objects/new.bin") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.False(await _server.Engine.ExistsAsync("t/new.bin"));
        await AssertUnchangedAndHealthyAsync();
    }

    [Fact]
    public async Task Upload_session_over_the_object_limit_is_refused_and_nothing_is_written()
    {
        await using var engine = await _server.ConnectAsync(_key.Key, o => o.ChunkSize = 64 * 1024);
        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("huge.bin", new MemoryStream(new byte[1100 * 1024])));
        Assert.Equal(StorageErrorCode.ObjectTooLarge, error.Code);
        Assert.False(await _server.Engine.ExistsAsync("t/huge.bin"));
        var declared = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("huge.bin", new MemoryStream(new byte[1100 * 1024]), new SaveOptions { ExpectedLength = 1100 * 1024 }));
        Assert.Equal(StorageErrorCode.ObjectTooLarge, declared.Code);
        await AssertUnchangedAndHealthyAsync();
    }

    [Fact]
    public async Task Oversized_headers_are_refused_with_431()
    {
        using var client = _server.RawClient(_key.Key);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/objects/doc.txt");
        request.Headers.TryAddWithoutValidation("X-Padding", new string('x', 20 * 1024));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        await AssertUnchangedAndHealthyAsync();
    }

    [Theory]
    [InlineData("bytes=abc")]
    [InlineData("bytes=5-1")]
    [InlineData("items=0-1")]
    [InlineData("bytes=0-1,3-4")]
    [InlineData("bytes=-")]
    [InlineData("bytes=99999999999999999999-")]
    public async Task Malformed_Range_is_refused_with_400(string range)
    {
        var response = await RawHttp.SendAsync(_server.Endpoint, "GET", "/v1/objects/doc.txt", _key.Key, null, "Range: " + range);
        Assert.Equal(400, response.Status);
        Assert.Contains("\"code\":\"InvalidArgument\"", response.Body, StringComparison.Ordinal);
        await AssertUnchangedAndHealthyAsync();
    }

    [Theory]
    [InlineData("If-Match: m1")]
    [InlineData("If-Match: W/\"x\"")]
    [InlineData("If-Match: \"a\", \"b\"")]
    [InlineData("If-Match: *")]
    [InlineData("If-Match: \"\"")]
    [InlineData("If-None-Match: \"x\"")]
    public async Task Malformed_or_unsupported_conditions_on_writes_are_refused_with_400(string header)
    {
        var put = await RawHttp.SendAsync(_server.Endpoint, "PUT", "/v1/objects/doc.txt", _key.Key, "overwritten", header);
        Assert.Equal(400, put.Status);
        if (header.StartsWith("If-Match", StringComparison.Ordinal))
        {
            var delete = await RawHttp.SendAsync(_server.Endpoint, "DELETE", "/v1/objects/doc.txt", _key.Key, null, header);
            Assert.Equal(400, delete.Status);
        }

        await AssertUnchangedAndHealthyAsync();
    }

    [Fact]
    public async Task Stale_If_Match_is_a_412_Conflict_and_current_one_succeeds()
    {
        using var client = _server.RawClient(_key.Key);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "v1/objects/doc.txt"));
        var etag = head.Headers.ETag!.ToString();

        var stale = await RawHttp.SendAsync(_server.Endpoint, "PUT", "/v1/objects/doc.txt", _key.Key, "x", "If-Match: \"%22m0%22\"");
        Assert.Equal(412, stale.Status);
        Assert.Contains("\"code\":\"Conflict\"", stale.Body, StringComparison.Ordinal);
        await AssertUnchangedAndHealthyAsync();

        var current = await RawHttp.SendAsync(_server.Endpoint, "PUT", "/v1/objects/doc.txt", _key.Key, "new", "If-Match: " + etag);
        Assert.Equal(200, current.Status);
        Assert.Equal("new", Encoding.UTF8.GetString(await _server.Engine.LoadBytesAsync("t/doc.txt")));
    }

    [Fact]
    public async Task Ranges_answer_206_with_Content_Range_and_clamp_past_the_end()
    {
        using var client = _server.RawClient(_key.Key);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/objects/doc.txt");
        request.Headers.TryAddWithoutValidation("Range", "bytes=5-100");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 5-9/10", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal("56789", await response.Content.ReadAsStringAsync());
    }

    private async Task AssertUnchangedAndHealthyAsync()
    {
        Assert.Equal("0123456789", Encoding.UTF8.GetString(await _server.Engine.LoadBytesAsync("t/doc.txt")));
        using var client = _server.RawClient(_key.Key);
        using var response = await client.GetAsync(new Uri("v1/objects/doc.txt", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
