using System.Net;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Auth;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Refusals that must keep their documented status and problem body whatever the served engine
/// makes of them: a chunked body over the limit (413) and dot segments the server would otherwise
/// normalise away before routing (400 InvalidKey, never an empty 404).
/// </summary>
public sealed class RequestRefusalTests : IAsyncLifetime
{
    private CloudTestServer _server = null!;
    private CreatedApiKey _key = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync(o => o.MaxRequestBodySize = 64 * 1024, serve: engine => new SourceFailureWrappingEngine(engine));
        _key = _server.CreateTenantKey(tenant: "t/");
        await _server.Engine.SaveAsync("t/a/x", "kept"u8.ToArray());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413_even_when_the_engine_wraps_the_read_failure()
    {
        using var client = _server.RawClient(_key.Key);
        var content = new StreamContent(new MemoryStream(new byte[200 * 1024]));
        content.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Put, "v1/objects/new.bin") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("ObjectTooLarge", await AuthenticationTests.CodeOfAsync(response));
        Assert.False(await _server.Engine.ExistsAsync("t/new.bin"));
    }

    [Theory]
    [InlineData("GET", "/v1/objects/%2e%2e/a/x")]
    [InlineData("PUT", "/v1/objects/%2e%2e/a/x")]
    [InlineData("DELETE", "/v1/objects/%2e%2e/a/x")]
    [InlineData("GET", "/v1/objects/%2E%2E/%2E%2E/t/a/x")]
    [InlineData("GET", "/v1/objects/../a/x")]
    [InlineData("PUT", "/v1/objects/a/%2e%2e/%2e%2e/%2e%2e/x")]
    [InlineData("GET", "/v1/objects/%2e/a/x")]
    [InlineData("POST", "/v1/uploads/%2e%2e/x/commit")]
    public async Task Dot_segments_that_routing_would_normalise_away_are_400_InvalidKey_with_a_problem_body(string method, string target)
    {
        var response = await RawHttp.SendAsync(_server.Endpoint, method, target, _key.Key, method == "PUT" ? "overwritten" : null);

        Assert.Equal(400, response.Status);
        Assert.Contains("Content-Type: application/problem+json", response.Head, StringComparison.OrdinalIgnoreCase);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal("InvalidKey", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("kept"u8.ToArray(), await _server.Engine.LoadBytesAsync("t/a/x"));
        Assert.Equal(1, _server.Engine.Count);
    }

    [Fact]
    public async Task Unknown_path_under_v1_is_404_with_a_problem_body_not_an_empty_one()
    {
        var response = await RawHttp.SendAsync(_server.Endpoint, "GET", "/v1/no-such-endpoint", _key.Key);

        Assert.Equal(404, response.Status);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal("NotFound", problem.RootElement.GetProperty("code").GetString());
    }
}
