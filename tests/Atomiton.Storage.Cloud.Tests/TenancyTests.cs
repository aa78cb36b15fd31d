using System.Net;
using System.Text;
using Atomiton.Storage.Cloud.Server.Auth;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Another tenant's data is never readable, listable, writable or deletable, and its existence is
/// never revealed (404, never 403) — through the plugin and through hostile raw requests with
/// encoded, traversal and backslash keys.
/// </summary>
public sealed class TenancyTests : IAsyncLifetime
{
    private CloudTestServer _server = null!;
    private CreatedApiKey _alice = null!;
    private CreatedApiKey _bob = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync();
        _alice = _server.CreateTenantKey(tenant: "tenants/alice/");
        _bob = _server.CreateTenantKey(tenant: "tenants/bob/");
        await _server.Engine.SaveAsync("tenants/alice/secret.txt", "alice's secret"u8.ToArray());
        await _server.Engine.SaveAsync("outside.txt", "not in any tenant"u8.ToArray());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Another_tenants_object_is_not_found_for_get_stat_and_exists_and_not_listed()
    {
        await using var bob = await _server.ConnectAsync(_bob.Key);
        Assert.Equal(StorageErrorCode.NotFound, (await Assert.ThrowsAsync<StorageException>(async () => await bob.LoadBytesAsync("secret.txt"))).Code);
        Assert.Equal(StorageErrorCode.NotFound, (await Assert.ThrowsAsync<StorageException>(async () => await bob.StatAsync("secret.txt"))).Code);
        Assert.False(await bob.ExistsAsync("secret.txt"));
        Assert.Empty(await ToListAsync(bob.ListAsync()));
        Assert.Empty(await ToListAsync(bob.ListAsync(new ListOptions { Prefix = "tenants/", Recursive = false })));
        await AssertAliceIntactAsync();
    }

    [Fact]
    public async Task Writes_and_deletes_by_another_tenant_land_in_its_own_space_and_never_touch_the_victim()
    {
        await using var bob = await _server.ConnectAsync(_bob.Key);
        Assert.False(await bob.DeleteAsync("secret.txt"));
        await bob.SaveAsync("secret.txt", "bob's own"u8.ToArray());
        await bob.SaveAsync("big.bin", new byte[700 * 1024]);
        Assert.True(await bob.DeleteAsync("secret.txt"));
        await AssertAliceIntactAsync();
        Assert.False(await _server.Engine.ExistsAsync("tenants/alice/big.bin"));
        Assert.True(await _server.Engine.ExistsAsync("tenants/bob/big.bin"));
    }

    [Theory]
    [InlineData("/v1/objects/../alice/secret.txt")]
    [InlineData("/v1/objects/%2e%2e/alice/secret.txt")]
    [InlineData("/v1/objects/%2E%2E/%2E%2E/tenants/alice/secret.txt")]
    [InlineData("/v1/objects/..%2falice%2fsecret.txt")]
    [InlineData("/v1/objects/..%2Falice%2Fsecret.txt")]
    [InlineData("/v1/objects/..%5calice%5csecret.txt")]
    [InlineData("/v1/objects/..\\alice\\secret.txt")]
    [InlineData("/v1/objects/./secret.txt")]
    [InlineData("/v1/objects/%2e/secret.txt")]
    [InlineData("/v1/objects//tenants/alice/secret.txt")]
    [InlineData("/v1/objects/%2ftenants%2falice%2fsecret.txt")]
    [InlineData("/v1/objects/a/..%2f..%2f..%2ftenants%2falice%2fsecret.txt")]
    [InlineData("/v1/objects/%00secret.txt")]
    [InlineData("/v1/objects/%ff%fe")]
    [InlineData("/v1/objects/%zz")]
    public async Task Hostile_keys_are_refused_for_every_method_and_reach_nothing(string target)
    {
        foreach (var method in new[] { "GET", "HEAD", "PUT", "DELETE" })
        {
            var response = await RawHttp.SendAsync(_server.Endpoint, method, target, _bob.Key, method == "PUT" ? "overwritten" : null);
            Assert.True(response.Status is 400 or 404, $"{method} {target} answered {response.Status}");
            Assert.DoesNotContain("alice's secret", response.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("tenants/bob", response.Body, StringComparison.Ordinal);
        }

        await AssertAliceIntactAsync();
        Assert.Equal(new[] { "outside.txt", "tenants/alice/secret.txt" }, (await ToListAsync(_server.Engine.ListAsync())).Select(e => e.Key));
    }

    [Theory]
    [InlineData("%2e%2e")]
    [InlineData("..%2f")]
    [InlineData("...")]
    [InlineData("a/.../b")]
    [InlineData("%2e%2e/alice/secret.txt")]
    [InlineData("100% sure?#&+=.txt")]
    public async Task Keys_that_only_look_hostile_are_stored_literally_inside_the_tenant(string key)
    {
        await using var bob = await _server.ConnectAsync(_bob.Key);
        await bob.SaveAsync(key, "literal"u8.ToArray());
        Assert.Equal("literal", Encoding.UTF8.GetString(await bob.LoadBytesAsync(key)));
        Assert.True(await _server.Engine.ExistsAsync("tenants/bob/" + key));
        Assert.Equal([key], (await ToListAsync(bob.ListAsync())).Select(e => e.Key));
        await AssertAliceIntactAsync();
    }

    [Theory]
    [InlineData("../")]
    [InlineData("/tenants/")]
    [InlineData("a\\b")]
    public async Task Hostile_list_prefixes_are_refused(string prefix)
    {
        using var client = _server.RawClient(_bob.Key);
        using var response = await client.GetAsync(new Uri("v1/list?prefix=" + Uri.EscapeDataString(prefix), UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidKey", await AuthenticationTests.CodeOfAsync(response));
    }

    [Fact]
    public async Task Another_tenants_upload_session_does_not_exist_for_you()
    {
        using var alice = _server.RawClient(_alice.Key);
        using var created = await alice.PostAsync(new Uri("v1/uploads", UriKind.Relative), new StringContent("{\"key\":\"upload.bin\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        using var bob = _server.RawClient(_bob.Key);
        using (var get = await bob.GetAsync(new Uri($"v1/uploads/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }

        using (var put = await bob.PutAsync(new Uri($"v1/uploads/{id}?offset=0", UriKind.Relative), new ByteArrayContent([1, 2, 3])))
        {
            Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        }

        using (var commit = await bob.PostAsync(new Uri($"v1/uploads/{id}/commit", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.NotFound, commit.StatusCode);
        }

        using (var delete = await bob.DeleteAsync(new Uri($"v1/uploads/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }

        using var state = await alice.GetAsync(new Uri($"v1/uploads/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, state.StatusCode);
        Assert.Equal(0, System.Text.Json.JsonDocument.Parse(await state.Content.ReadAsStringAsync()).RootElement.GetProperty("offset").GetInt64());
    }

    [Fact]
    public async Task Error_messages_never_show_the_tenant_prefix()
    {
        using var bob = _server.RawClient(_bob.Key);
        using var response = await bob.GetAsync(new Uri("v1/objects/missing.txt", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("missing.txt", body, StringComparison.Ordinal);
        Assert.DoesNotContain("tenants/", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_for_a_tenant_hides_the_whole_stores_usage()
    {
        await using var bob = await _server.ConnectAsync(_bob.Key);
        var info = await bob.GetInfoAsync();
        Assert.Equal("cloud", info.EngineType);
        Assert.True(info.IsConnected);
        Assert.Null(info.Limits.QuotaUsed);
        Assert.False(info.Capabilities.HasFlag(StorageCapabilities.Quota));
    }

    private async Task AssertAliceIntactAsync() =>
        Assert.Equal("alice's secret", Encoding.UTF8.GetString(await _server.Engine.LoadBytesAsync("tenants/alice/secret.txt")));

    private static async Task<List<StorageEntry>> ToListAsync(IAsyncEnumerable<StorageEntry> entries)
    {
        var list = new List<StorageEntry>();
        await foreach (var entry in entries)
        {
            list.Add(entry);
        }

        return list;
    }
}
