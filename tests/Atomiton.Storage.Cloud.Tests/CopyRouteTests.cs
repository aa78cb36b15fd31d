using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Auth;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// <c>POST /v1/copy</c> and <c>/v1/move</c>: done on the server (no object content crosses the wire),
/// honouring the destination's condition, inside the caller's tenant, refusing bad requests.
/// </summary>
public sealed class CopyRouteTests : IAsyncLifetime
{
    private CloudTestServer _server = null!;
    private CreatedApiKey _key = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync();
        _key = _server.CreateTenantKey(tenant: "tenants/alice/");
        await _server.Engine.SaveAsync("tenants/alice/a.txt", "alice's a"u8.ToArray(), new SaveOptions { ContentType = "text/plain", Metadata = new Dictionary<string, string> { ["m"] = "1" } });
        await _server.Engine.SaveAsync("tenants/bob/secret.txt", "bob's secret"u8.ToArray());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Plugin_declares_native_copy_and_move_when_the_served_engine_does_and_sends_no_content()
    {
        var requests = new InterceptingHandler((request, forward) => forward());
        await using var engine = await _server.ConnectThroughAsync(_key.Key, requests);
        var info = await engine.GetInfoAsync();
        Assert.True(info.Capabilities.HasFlag(StorageCapabilities.NativeCopy));
        Assert.True(info.Capabilities.HasFlag(StorageCapabilities.NativeMove));

        var copied = await engine.CopyAsync("a.txt", "b.txt");
        var moved = await engine.MoveAsync("b.txt", "c.txt");
        Assert.Equal("b.txt", copied.Key);
        Assert.Equal("text/plain", moved.ContentType);
        Assert.Equal("1", moved.Metadata["m"]);
        Assert.Equal(moved, await engine.StatAsync("c.txt"));
        Assert.False(await engine.ExistsAsync("b.txt"));
        Assert.Equal("alice's a", System.Text.Encoding.UTF8.GetString(await engine.LoadBytesAsync("c.txt")));
        Assert.Contains("POST /v1/copy", requests.Requests);
        Assert.Contains("POST /v1/move", requests.Requests);
        Assert.DoesNotContain(requests.Requests, r => r.StartsWith("PUT ", StringComparison.Ordinal) || r.StartsWith("POST /v1/uploads", StringComparison.Ordinal));
        Assert.Equal(1, requests.Requests.Count(r => r.StartsWith("GET /v1/objects/", StringComparison.Ordinal))); // the load above only
    }

    [Fact]
    public async Task Plugin_does_not_claim_native_copy_when_the_served_engine_copies_by_streaming()
    {
        await using var server = await CloudTestServer.StartAsync(serve: engine => new StreamingCopyEngine(engine));
        var key = server.CreateTenantKey();
        await using var engine = await server.ConnectAsync(key.Key);
        var info = await engine.GetInfoAsync();
        Assert.False(info.Capabilities.HasFlag(StorageCapabilities.NativeCopy));
        Assert.False(info.Capabilities.HasFlag(StorageCapabilities.NativeMove));
        await engine.SaveAsync("a.txt", "x"u8.ToArray());
        Assert.Equal("b.txt", (await engine.CopyAsync("a.txt", "b.txt")).Key); // still on the server
    }

    [Fact]
    public async Task Conditions_on_the_destination_are_honoured_and_a_refusal_changes_nothing()
    {
        await using var engine = await _server.ConnectAsync(_key.Key);
        var existing = await engine.SaveAsync("dest.txt", "keep me"u8.ToArray());

        var exists = await Assert.ThrowsAsync<StorageException>(async () => await engine.CopyAsync("a.txt", "dest.txt", WriteCondition.IfNotExists));
        Assert.Equal(StorageErrorCode.Conflict, exists.Code);
        var stale = await Assert.ThrowsAsync<StorageException>(async () => await engine.MoveAsync("a.txt", "dest.txt", WriteCondition.IfMatch("stale")));
        Assert.Equal(StorageErrorCode.Conflict, stale.Code);
        Assert.Equal(existing, await engine.StatAsync("dest.txt"));
        Assert.True(await engine.ExistsAsync("a.txt"));

        var replaced = await engine.CopyAsync("a.txt", "dest.txt", WriteCondition.IfMatch(existing.ETag));
        Assert.NotEqual(existing.ETag, replaced.ETag);
        var created = await engine.MoveAsync("a.txt", "new.txt", WriteCondition.IfNotExists);
        Assert.Equal("new.txt", created.Key);
    }

    [Theory]
    [InlineData("{\"source\":\"missing.txt\",\"destination\":\"b.txt\"}", 404, "NotFound")]
    [InlineData("{\"source\":\"secret.txt\",\"destination\":\"stolen.txt\"}", 404, "NotFound")] // bob's key, seen from alice's tenant
    [InlineData("{\"source\":\"a.txt\",\"destination\":\"a.txt\"}", 400, "InvalidArgument")]
    [InlineData("{\"source\":\"a.txt\"}", 400, "InvalidArgument")]
    [InlineData("not json", 400, "InvalidArgument")]
    [InlineData("{\"source\":\"a.txt\",\"destination\":\"b.txt\",\"ifMatch\":\"x\",\"ifNotExists\":true}", 400, "InvalidArgument")]
    [InlineData("{\"source\":\"../bob/secret.txt\",\"destination\":\"b.txt\"}", 400, "InvalidKey")]
    [InlineData("{\"source\":\"a.txt\",\"destination\":\"/tenants/bob/x.txt\"}", 400, "InvalidKey")]
    [InlineData("{\"source\":\"a.txt\",\"destination\":\"a.txt/\"}", 400, "InvalidKey")]
    public async Task Bad_copy_and_move_requests_are_refused_and_reach_nothing(string body, int status, string code)
    {
        foreach (var route in new[] { "/v1/copy", "/v1/move" })
        {
            var raw = await RawHttp.SendAsync(_server.Endpoint, "POST", route, _key.Key, body, "Content-Type: application/json");
            Assert.Equal(status, raw.Status);
            using var problem = JsonDocument.Parse(raw.Body);
            Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
            Assert.DoesNotContain("tenants/", raw.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), raw.Body, StringComparison.Ordinal);
        }

        Assert.Equal("bob's secret", System.Text.Encoding.UTF8.GetString(await _server.Engine.LoadBytesAsync("tenants/bob/secret.txt")));
        Assert.Equal("alice's a", System.Text.Encoding.UTF8.GetString(await _server.Engine.LoadBytesAsync("tenants/alice/a.txt")));
        Assert.False(await _server.Engine.ExistsAsync("tenants/alice/stolen.txt"));
        Assert.False(await _server.Engine.ExistsAsync("tenants/alice/b.txt"));
    }

    [Fact]
    public async Task Copy_and_move_need_the_write_permission()
    {
        var readOnly = _server.CreateTenantKey(ApiKeyPermissions.Read, tenant: "tenants/alice/");
        foreach (var route in new[] { "/v1/copy", "/v1/move" })
        {
            var raw = await RawHttp.SendAsync(_server.Endpoint, "POST", route, readOnly.Key, "{\"source\":\"a.txt\",\"destination\":\"b.txt\"}", "Content-Type: application/json");
            Assert.Equal(403, raw.Status);
        }

        Assert.False(await _server.Engine.ExistsAsync("tenants/alice/b.txt"));
    }

    /// <summary>The memory engine without its native copy and move: the server copies by streaming, on its side.</summary>
    private sealed class StreamingCopyEngine(IStorageEngine inner) : DelegatingStorageEngine(inner, ownsInner: false)
    {
        public override string EngineType => "streaming-copy";
    }
}
