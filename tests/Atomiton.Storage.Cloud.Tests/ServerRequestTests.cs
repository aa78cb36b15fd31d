using System.Net;
using System.Text;
using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Auth;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Requests the server must refuse (malformed queries, headers and keys) each get 400 naming what
/// was wrong, with nothing changed; conditional reads answer 304; a body that fails half-way is cut
/// off, never delivered short.
/// </summary>
public sealed class ServerRequestTests : IAsyncLifetime
{
    private CloudTestServer _server = null!;
    private CreatedApiKey _key = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync(serve: engine => new FailingEngine(engine));
        _key = _server.CreateTenantKey(tenant: "t/");
        await _server.Engine.SaveAsync("t/doc.txt", "0123456789"u8.ToArray());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("/v1/list?pageSize=0", "pageSize must be a whole number from 1 to 1000.")]
    [InlineData("/v1/list?pageSize=1001", "pageSize must be a whole number from 1 to 1000.")]
    [InlineData("/v1/list?pageSize=ten", "pageSize must be a whole number from 1 to 1000.")]
    [InlineData("/v1/list?recursive=maybe", "recursive must be 'true' or 'false'.")]
    [InlineData("/v1/%6Fbjects/doc.txt", "The key in the request path is malformed: the request path must start with '/v1/objects/'. Percent-encode each key segment as UTF-8.")]
    public async Task Malformed_query_or_path_is_refused_with_400_naming_it(string target, string detail)
    {
        var response = await RawHttp.SendAsync(_server.Endpoint, "GET", target, _key.Key);

        Assert.Equal(400, response.Status);
        Assert.Equal(detail, DetailOf(response.Body));
        await AssertUnchangedAsync();
    }

    [Theory]
    [InlineData("If-None-Match: *", "If-Match: \"abc\"", "Send If-Match or If-None-Match, not both.")]
    [InlineData("X-Atomiton-Options: !!!", "X-Padding: 1", "The X-Atomiton-Options header must be base64url-encoded JSON {\"contentType\":…,\"metadata\":{…},\"expectedHashes\":{…},\"lastModified\":…}.")]
    [InlineData("X-Atomiton-Options: e30", "X-Atomiton-Options: e30", "The X-Atomiton-Options header must be base64url-encoded JSON {\"contentType\":…,\"metadata\":{…},\"expectedHashes\":{…},\"lastModified\":…}.")]
    public async Task Put_with_contradictory_or_malformed_headers_is_refused_and_changes_nothing(string first, string second, string detail)
    {
        var response = await RawHttp.SendAsync(_server.Endpoint, "PUT", "/v1/objects/doc.txt", _key.Key, "overwritten", first, second);

        Assert.Equal(400, response.Status);
        Assert.Equal(detail, DetailOf(response.Body));
        await AssertUnchangedAsync();
    }

    [Fact]
    public async Task If_Match_whose_percent_encoding_is_broken_is_refused()
    {
        var response = await RawHttp.SendAsync(_server.Endpoint, "DELETE", "/v1/objects/doc.txt", _key.Key, null, "If-Match: \"%zz\"");

        Assert.Equal(400, response.Status);
        Assert.Contains("\"code\":\"InvalidArgument\"", response.Body, StringComparison.Ordinal);
        await AssertUnchangedAsync();
    }

    [Fact]
    public async Task Key_valid_alone_but_too_long_under_the_tenant_is_refused_naming_why()
    {
        string segment = new('a', 255);
        string key = $"{segment}/{segment}/{segment}/{new string('a', 254)}/a";
        Assert.Equal(StorageKey.MaxKeyBytes, key.Length);

        var response = await RawHttp.SendAsync(_server.Endpoint, "PUT", "/v1/objects/" + key, _key.Key, "x");

        Assert.Equal(400, response.Status);
        // Valid under the grammar, beyond the key budget the tenant's info declares: UnrepresentableKey (contract 2).
        Assert.Contains("\"code\":\"UnrepresentableKey\"", response.Body, StringComparison.Ordinal);
        Assert.EndsWith("(keyRules.maxKeyBytes in GET /v1/info). Nothing was changed; use a shorter key.", DetailOf(response.Body), StringComparison.Ordinal);
        Assert.Equal(1, _server.Engine.Count);
    }

    [Fact]
    public async Task Get_with_If_None_Match_star_answers_304_with_the_item_when_it_exists_and_404_when_not()
    {
        using var client = _server.RawClient(_key.Key);
        using var exists = new HttpRequestMessage(HttpMethod.Get, "v1/objects/doc.txt");
        exists.Headers.TryAddWithoutValidation("If-None-Match", "*");
        using var missing = new HttpRequestMessage(HttpMethod.Get, "v1/objects/none.txt");
        missing.Headers.TryAddWithoutValidation("If-None-Match", "*");

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "v1/objects/doc.txt"));
        using var found = await client.SendAsync(exists);
        using var notFound = await client.SendAsync(missing);

        Assert.Equal(HttpStatusCode.NotModified, found.StatusCode);
        Assert.Equal(head.Headers.ETag, found.Headers.ETag);
        Assert.True(found.Headers.Contains("X-Atomiton-Item"));
        Assert.Empty(await found.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
    }

    [Fact]
    public async Task Body_that_fails_after_the_answer_started_is_cut_off_never_delivered_short()
    {
        // The served pipeline fails after 4 of 10 bytes (an encrypted stage finding tampered data):
        // too late for a status, so the server cuts the connection.
        await _server.Engine.SaveAsync(FailingEngine.BrokenKey, "0123456789"u8.ToArray());
        using var client = _server.RawClient(_key.Key);
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler: null, configure: o => o.MaxRetries = 1);

        var raw = await Record.ExceptionAsync(() => client.GetByteArrayAsync(new Uri("v1/objects/broken", UriKind.Relative)));
        var plugin = await Record.ExceptionAsync(async () => await engine.LoadBytesAsync("broken"));

        // Depending on when the reset arrives, the client fails sending (no answer at all) or reading the body.
        Assert.True(raw is HttpRequestException or IOException, raw?.ToString());
        Assert.True(plugin is IOException or StorageException { Code: StorageErrorCode.NetworkError }, plugin?.ToString());
        Assert.Equal("0123456789"u8.ToArray(), await engine.LoadBytesAsync("doc.txt"));
    }

    [Fact]
    public async Task Server_without_a_key_store_refuses_to_start_saying_how_to_make_one()
    {
        var options = new CloudServerOptions();
        options.Urls.Clear();
        options.Urls.Add("http://127.0.0.1:0");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => CloudServer.StartAsync(_server.Engine, options));

        Assert.Equal("CloudServerOptions.Keys or CloudServerOptions.Database is required: create a key file with 'atomiton-storage cloud keys create', or give the database of a replicated server (docs/cloud-deploy.md). (Parameter 'options')", error.Message);
    }

    [Fact]
    public async Task Second_server_on_a_port_in_use_fails_to_start_and_the_first_keeps_serving()
    {
        var options = new CloudServerOptions { Keys = _server.Keys, UploadDirectory = _server.Options.UploadDirectory };
        options.Urls.Clear();
        options.Urls.Add(_server.Endpoint.GetLeftPart(UriPartial.Authority));

        await Assert.ThrowsAnyAsync<IOException>(() => CloudServer.StartAsync(_server.Engine, options));

        await AssertUnchangedAsync();
    }

    [Fact]
    public async Task Waiting_for_shutdown_ends_when_the_server_stops()
    {
        var waiting = _server.Server.WaitForShutdownAsync();
        Assert.False(waiting.IsCompleted);

        await _server.Server.StopAsync();

        await waiting;
    }

    private static string? DetailOf(string problemJson)
    {
        using var document = System.Text.Json.JsonDocument.Parse(problemJson);
        return document.RootElement.GetProperty("detail").GetString();
    }

    private async Task AssertUnchangedAsync()
    {
        Assert.Equal("0123456789", Encoding.UTF8.GetString(await _server.Engine.LoadBytesAsync("t/doc.txt")));
        using var client = _server.RawClient(_key.Key);
        using var response = await client.GetAsync(new Uri("v1/objects/doc.txt", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
