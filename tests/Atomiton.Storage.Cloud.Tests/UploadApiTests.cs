using System.Net;
using System.Text;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// The upload-session API as a client other than the plugin may use it: malformed sessions and
/// chunks are refused naming what was wrong; unknown, expired, aborted and finished sessions
/// answer clearly; a commit retried after a lost answer gives the same item. Nothing partial is
/// ever visible.
/// </summary>
public sealed class UploadApiTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private CloudTestServer _server = null!;
    private CreatedApiKey _key = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync(o =>
        {
            o.TimeProvider = _time;
            o.UploadSessionLifetime = TimeSpan.FromHours(1);
            o.MaxObjectSize = 1024 * 1024;
        });
        _key = _server.CreateTenantKey(tenant: "t/");
        _client = _server.RawClient(_key.Key);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("not json", 400, "The body must be JSON {\"key\": …, \"contentType\": …, \"metadata\": {…}, \"length\": …, \"ifMatch\": …, \"ifNotExists\": …} with at least a key.")]
    [InlineData("{ \"contentType\": \"text/plain\" }", 400, "The body must be JSON {\"key\": …, \"contentType\": …, \"metadata\": {…}, \"length\": …, \"ifMatch\": …, \"ifNotExists\": …} with at least a key.")]
    [InlineData("{ \"key\": \"a.bin\", \"length\": -1 }", 400, "length must not be negative.")]
    [InlineData("{ \"key\": \"a.bin\", \"ifMatch\": \"m1\", \"ifNotExists\": true }", 400, "Send ifMatch or ifNotExists, not both.")]
    [InlineData("{ \"key\": \"a.bin\", \"length\": 2000000 }", 413, "An object of 2000000 bytes is larger than this server's limit of 1048576 bytes.")]
    public async Task Malformed_session_request_is_refused_naming_what_is_wrong(string body, int status, string detail)
    {
        using var response = await _client.PostAsync(new Uri("v1/uploads", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(detail, await DetailOfAsync(response));
        Assert.Empty(Directory.GetFiles(_server.Options.UploadDirectory!));
    }

    [Theory]
    [InlineData("", "A chunk needs ?offset=<where it starts> (the session's current offset).")]
    [InlineData("?offset=", "A chunk needs ?offset=<where it starts> (the session's current offset).")]
    [InlineData("?offset=-1", "A chunk needs ?offset=<where it starts> (the session's current offset).")]
    [InlineData("?offset=ten", "A chunk needs ?offset=<where it starts> (the session's current offset).")]
    public async Task Chunk_without_a_valid_offset_is_refused(string query, string detail)
    {
        string id = await CreateAsync("a.bin");

        using var response = await _client.PutAsync(new Uri($"v1/uploads/{id}{query}", UriKind.Relative), new ByteArrayContent(new byte[4]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(detail, await DetailOfAsync(response));
        Assert.Equal(0, await OffsetAsync(id));
    }

    [Fact]
    public async Task Chunk_without_a_Content_Length_is_refused()
    {
        string id = await CreateAsync("a.bin");
        var content = new StreamContent(new MemoryStream(new byte[4]));
        using var request = new HttpRequestMessage(HttpMethod.Put, $"v1/uploads/{id}?offset=0") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("A chunk needs a Content-Length header.", await DetailOfAsync(response));
        Assert.Equal(0, await OffsetAsync(id));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("not-a-session")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    public async Task Unknown_session_is_not_found_for_every_operation(string id)
    {
        var requests = new[]
        {
            new HttpRequestMessage(HttpMethod.Get, $"v1/uploads/{id}"),
            new HttpRequestMessage(HttpMethod.Put, $"v1/uploads/{id}?offset=0") { Content = new ByteArrayContent(new byte[1]) },
            new HttpRequestMessage(HttpMethod.Post, $"v1/uploads/{id}/commit"),
            new HttpRequestMessage(HttpMethod.Delete, $"v1/uploads/{id}"),
        };

        foreach (var request in requests)
        {
            using (request)
            using (var response = await _client.SendAsync(request))
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.Equal($"No upload session '{id}' exists (it expired, was aborted, or belongs to no session you created). Start a new session.", await DetailOfAsync(response));
            }
        }

        Assert.Equal(0, _server.Engine.Count);
    }

    [Fact]
    public async Task Another_tenants_session_is_not_found()
    {
        string id = await CreateAsync("a.bin");
        using var other = _server.RawClient(_server.CreateTenantKey(tenant: "u/").Key);

        using var response = await other.GetAsync(new Uri($"v1/uploads/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await OffsetAsync(id));
    }

    [Fact]
    public async Task Session_older_than_its_lifetime_is_swept_when_the_next_one_starts_and_is_then_not_found()
    {
        string old = await CreateAsync("old.bin");
        await AppendAsync(old, 0, "abc");

        _time.Advance(TimeSpan.FromHours(2));
        string fresh = await CreateAsync("fresh.bin");

        using var response = await _client.GetAsync(new Uri($"v1/uploads/{old}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(Directory.GetFiles(_server.Options.UploadDirectory!, old + "*"));
        Assert.Equal(0, await OffsetAsync(fresh));
        Assert.False(await _server.Engine.ExistsAsync("t/old.bin"));
    }

    [Fact]
    public async Task Commit_before_the_declared_length_arrived_is_refused_saying_where_to_resume()
    {
        string id = await CreateAsync("a.bin", length: 10);
        await AppendAsync(id, 0, "abc");

        using var response = await _client.PostAsync(new Uri($"v1/uploads/{id}/commit", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"Upload session {id} holds 3 bytes but declared 10; upload the rest (from offset 3) before committing.", await DetailOfAsync(response));
        Assert.False(await _server.Engine.ExistsAsync("t/a.bin"));
        Assert.Equal(3, await OffsetAsync(id));
    }

    [Fact]
    public async Task Commit_retried_after_a_lost_answer_gives_the_same_item_and_the_session_then_refuses_chunks()
    {
        string id = await CreateAsync("a.bin");
        await AppendAsync(id, 0, "abc");

        using var first = await _client.PostAsync(new Uri($"v1/uploads/{id}/commit", UriKind.Relative), null);
        using var again = await _client.PostAsync(new Uri($"v1/uploads/{id}/commit", UriKind.Relative), null);
        using var state = await _client.GetAsync(new Uri($"v1/uploads/{id}", UriKind.Relative));
        using var late = await _client.PutAsync(new Uri($"v1/uploads/{id}?offset=3", UriKind.Relative), new StringContent("def"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        using (var session = JsonDocument.Parse(await state.Content.ReadAsStringAsync()))
        {
            Assert.Equal(3, session.RootElement.GetProperty("offset").GetInt64());
            Assert.Equal("a.bin", session.RootElement.GetProperty("committed").GetProperty("key").GetString());
        }

        Assert.Equal(HttpStatusCode.PreconditionFailed, late.StatusCode);
        Assert.Equal($"Upload session {id} is already committed; start a new session to write 'a.bin' again.", await DetailOfAsync(late));
        Assert.Equal("abc"u8.ToArray(), await _server.Engine.LoadBytesAsync("t/a.bin"));
    }

    [Fact]
    public async Task Aborted_session_is_gone_and_wrote_nothing()
    {
        string id = await CreateAsync("a.bin");
        await AppendAsync(id, 0, "abc");

        using var abort = await _client.DeleteAsync(new Uri($"v1/uploads/{id}", UriKind.Relative));
        using var after = await _client.GetAsync(new Uri($"v1/uploads/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, abort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Empty(Directory.GetFiles(_server.Options.UploadDirectory!));
        Assert.False(await _server.Engine.ExistsAsync("t/a.bin"));
    }

    private async Task<string> CreateAsync(string key, long? length = null)
    {
        string body = length is null ? $$"""{ "key": "{{key}}" }""" : $$"""{ "key": "{{key}}", "length": {{length}} }""";
        using var response = await _client.PostAsync(new Uri("v1/uploads", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("id").GetString()!;
    }

    private async Task AppendAsync(string id, long offset, string text)
    {
        using var response = await _client.PutAsync(new Uri($"v1/uploads/{id}?offset={offset}", UriKind.Relative), new StringContent(text));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<long> OffsetAsync(string id)
    {
        using var response = await _client.GetAsync(new Uri($"v1/uploads/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("offset").GetInt64();
    }

    private static async Task<string?> DetailOfAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("detail").GetString();
    }
}
