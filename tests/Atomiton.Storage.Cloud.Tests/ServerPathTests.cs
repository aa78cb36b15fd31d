using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Auth;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Nothing a tenant receives names a path on the server: an engine error that carries the
/// server's folders reaches the tenant in tenant-relative words, and the full detail goes to the
/// server's log only, under a reference the tenant can quote.
/// </summary>
public sealed class ServerPathTests : IAsyncLifetime
{
    private static readonly string ServerFolder = Path.Combine(Path.GetTempPath(), "srv-data", "store");

    private readonly CapturingLoggerProvider _logs = new();
    private FailingEngine _failing = null!;
    private CloudTestServer _server = null!;
    private CreatedApiKey _key = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync(
            o => o.ConfigureLogging = logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Information),
            serve: engine => _failing = new FailingEngine(engine));
        _key = _server.CreateTenantKey(tenant: "t/");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(StorageErrorCode.AccessDenied, 403, "The storage behind this server denied access to key 'failing'.")]
    [InlineData(StorageErrorCode.Unknown, 500, "The storage behind this server failed on key 'failing' (Unknown).")]
    [InlineData(StorageErrorCode.Integrity, 500, "The stored data of key 'failing' failed an integrity check on the server.")]
    [InlineData(StorageErrorCode.InvalidConfiguration, 500, "The storage behind this server failed on key 'failing' (InvalidConfiguration).")]
    public async Task Operator_side_errors_reach_the_tenant_without_the_servers_words_and_the_log_keeps_them(StorageErrorCode code, int status, string detailStart)
    {
        _failing.Error = new StorageException(code, $"Access to the path '{ServerFolder}{Path.DirectorySeparatorChar}t{Path.DirectorySeparatorChar}failing' is denied (baseDir '{ServerFolder}').") { Key = FailingEngine.FailingKey };

        var response = await RawHttp.SendAsync(_server.Endpoint, "GET", "/v1/objects/failing", _key.Key);

        Assert.Equal(status, response.Status);
        using var problem = JsonDocument.Parse(response.Body);
        string detail = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.StartsWith(detailStart, detail, StringComparison.Ordinal);
        var reference = System.Text.RegularExpressions.Regex.Match(detail, "reference ([0-9a-f]{8})").Groups[1].Value;
        Assert.NotEmpty(reference);
        Assert.Equal(code.ToString(), problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("failing", problem.RootElement.GetProperty("key").GetString());
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd(Path.DirectorySeparatorChar), response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("srv-data", response.Body, StringComparison.Ordinal);
        Assert.Contains(_logs.Messages, m => m.Contains(reference, StringComparison.Ordinal) && m.Contains(ServerFolder, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(StorageErrorCode.NotFound)]
    [InlineData(StorageErrorCode.InvalidArgument)]
    [InlineData(StorageErrorCode.Conflict)]
    [InlineData(StorageErrorCode.StorageFull)]
    [InlineData(StorageErrorCode.NetworkError)]
    public async Task Server_paths_inside_a_passed_on_message_are_replaced(StorageErrorCode code)
    {
        _failing.Error = new StorageException(code, $"Could not read key 'failing': file '{ServerFolder}/t/failing' (under C:\\srv-data\\store) said no.") { Key = FailingEngine.FailingKey };

        var response = await RawHttp.SendAsync(_server.Endpoint, "GET", "/v1/objects/failing", _key.Key);

        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal("Could not read key 'failing': file '[server path]' (under [server path]) said no.", problem.RootElement.GetProperty("detail").GetString());
        Assert.Contains(_logs.Messages, m => m.Contains(ServerFolder, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_callers_own_key_is_echoed_even_when_it_looks_like_a_path()
    {
        var response = await RawHttp.SendAsync(_server.Endpoint, "GET", "/v1/objects/a%20/srv/x", _key.Key);

        Assert.Equal(404, response.Status);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Contains("'a /srv/x'", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
