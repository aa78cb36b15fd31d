using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Auth;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// The key file of a running server deleted, corrupted and restored: while it cannot be read the
/// server fails closed (503 problem details, no key works, logged once per change); once it is
/// back, its keys work again. A deleted file's keys are never served from memory.
/// </summary>
public sealed class KeyFileLifecycleTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private CloudTestServer _server = null!;
    private CreatedApiKey _key = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync(o => o.ConfigureLogging = logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Information));
        _key = _server.CreateTenantKey(tenant: "t/");
        await _server.Engine.SaveAsync("t/doc.txt", "tenant data"u8.ToArray());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string KeyFile => _server.Keys.FilePath;

    [Fact]
    public async Task Deleting_the_key_file_fails_closed_with_503_and_restoring_it_brings_the_keys_back()
    {
        Assert.Equal(200, (await GetAsync()).Status);
        var saved = await File.ReadAllBytesAsync(KeyFile);

        File.Delete(KeyFile);
        var first = await GetAsync();
        var second = await GetAsync();

        AssertKeyStoreUnavailable(first, "was removed");
        AssertKeyStoreUnavailable(second, "was removed");
        Assert.Single(_logs.Messages, m => m.Contains("API key file", StringComparison.Ordinal) && m.Contains("was removed", StringComparison.Ordinal));

        await File.WriteAllBytesAsync(KeyFile, saved);
        var restored = await GetAsync();

        Assert.Equal(200, restored.Status);
        Assert.Equal("tenant data", restored.Body);
        Assert.Single(_logs.Messages, m => m.Contains("API key file", StringComparison.Ordinal) && m.Contains("readable again", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Messages, m => m.Contains(_key.Key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("""{ "keys": [ { "id": 5 } ] }""")]
    public async Task Corrupt_key_file_answers_503_problem_details_never_an_empty_500_and_a_repaired_file_is_read_again(string corrupt)
    {
        var saved = await File.ReadAllBytesAsync(KeyFile);

        await File.WriteAllTextAsync(KeyFile, corrupt);
        var response = await GetAsync();

        AssertKeyStoreUnavailable(response, "cannot be read");
        Assert.Single(_logs.Messages, m => m.Contains("API key file", StringComparison.Ordinal) && m.Contains("cannot be read", StringComparison.Ordinal));

        await File.WriteAllBytesAsync(KeyFile, saved);
        Assert.Equal(200, (await GetAsync()).Status);
    }

    [Fact]
    public async Task Requests_without_a_key_still_get_401_while_the_key_file_is_unavailable_and_health_stays_up()
    {
        File.Delete(KeyFile);

        var anonymous = await RawHttp.SendAsync(_server.Endpoint, "GET", "/v1/objects/doc.txt");
        var health = await RawHttp.SendAsync(_server.Endpoint, "GET", "/v1/health");

        Assert.Equal(401, anonymous.Status);
        Assert.Equal(200, health.Status);
    }

    private Task<RawHttp.Response> GetAsync() => RawHttp.SendAsync(_server.Endpoint, "GET", "/v1/objects/doc.txt", _key.Key);

    private void AssertKeyStoreUnavailable(RawHttp.Response response, string why)
    {
        Assert.Equal(503, response.Status);
        Assert.Contains("Content-Type: application/problem+json", response.Head, StringComparison.OrdinalIgnoreCase);
        Assert.True(response.HasHeader("Retry-After"));
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal("NetworkError", problem.RootElement.GetProperty("code").GetString());
        Assert.True(problem.RootElement.GetProperty("transient").GetBoolean());
        Assert.Equal("The server's API key store is unavailable, so no key can be checked and every request is refused. Retry later; if this lasts, tell the operator.", problem.RootElement.GetProperty("detail").GetString());
        Assert.DoesNotContain("tenant data", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetDirectoryName(KeyFile)!, response.Body, StringComparison.Ordinal);
        Assert.Contains(_logs.Messages, m => m.Contains(why, StringComparison.Ordinal) && m.Contains(KeyFile, StringComparison.Ordinal));
    }
}
