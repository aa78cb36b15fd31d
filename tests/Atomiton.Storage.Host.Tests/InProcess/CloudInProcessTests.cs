using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.InProcess;

/// <summary><c>cloud keys create|list|revoke</c> against a key file in a temp folder, and <c>serve</c> started and stopped in the test process.</summary>
public sealed class CloudInProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Create_prints_the_key_once_and_a_note_and_stores_only_its_hash()
    {
        var created = await _sandbox.Cli.RunAsync("cloud", "keys", "create", "--tenant", "acme/", "--keys", "secrets/keys.json", "--description", "reports");

        Assert.Equal(0, created.ExitCode);
        string key = created.Output.TrimEnd();
        var match = Regex.Match(key, "^atm_(?<id>[0-9a-f]{16})_[A-Za-z0-9_-]{43}$");
        Assert.True(match.Success, key);
        string file = _sandbox.PathOf("secrets/keys.json");
        Assert.StartsWith($"Created key {match.Groups["id"].Value} for tenant 'acme/' (Read, Write) in {file}. It is shown only now:", created.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(key, File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_with_json_prints_the_entry_with_the_key_and_the_file()
    {
        var created = await _sandbox.Cli.RunAsync("cloud", "keys", "create", "--tenant", "", "--permissions", "admin, read", "--json");

        Assert.Equal(0, created.ExitCode);
        Assert.Equal("", created.Error);
        var json = created.Json();
        string id = json.GetProperty("id").GetString()!;
        Assert.Equal("", json.GetProperty("tenantPrefix").GetString());
        Assert.Equal("Read, Admin", json.GetProperty("permissions").GetString());
        Assert.StartsWith($"atm_{id}_", json.GetProperty("key").GetString(), StringComparison.Ordinal);
        Assert.Equal(_sandbox.PathOf("cloud-keys.json"), json.GetProperty("file").GetString());
        Assert.True(json.TryGetProperty("created", out _));
    }

    [Fact]
    public async Task List_shows_a_table_without_secrets_whole_store_tenants_and_revoked_keys()
    {
        var cli = _sandbox.Cli;
        string first = (await cli.RunAsync("cloud", "keys", "create", "--tenant", "", "--description", "ops")).Output.TrimEnd();
        string second = (await cli.RunAsync("cloud", "keys", "create", "--tenant", "t/", "--permissions", "read")).Output.TrimEnd();
        string secondId = second.Split('_')[1];

        var revoked = await cli.RunAsync("cloud", "keys", "revoke", secondId);
        var table = await cli.RunAsync("cloud", "keys", "list");
        var json = await cli.RunAsync("cloud", "keys", "list", "--json");

        Assert.Equal(0, revoked.ExitCode);
        Assert.Equal($"Revoked key {secondId}.", revoked.Error.TrimEnd());
        Assert.Equal(0, table.ExitCode);
        Assert.Matches("^id +tenant +permissions +created +state +description$", table.OutputLines[0]);
        Assert.Matches($@"^{first.Split('_')[1]}  \(whole store\)  Read, Write  +\d{{4}}-\d\d-\d\d \d\d:\d\d  active +ops$", table.OutputLines[1]);
        Assert.Matches($@"^{secondId}  t/ +Read +\d{{4}}-\d\d-\d\d \d\d:\d\d  revoked \d{{4}}-\d\d-\d\d \d\d:\d\d$", table.OutputLines[2]);
        Assert.DoesNotContain(first[^43..], table.Output + json.Output, StringComparison.Ordinal);
        var entries = json.Json().EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal("ops", entries[0].GetProperty("description").GetString());
        Assert.True(entries[1].TryGetProperty("revoked", out var when) && when.ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task Revoking_an_unknown_id_exits_3_naming_the_file()
    {
        var result = await _sandbox.Cli.RunAsync("cloud", "keys", "revoke", "0000000000000000");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"error: No key with id '0000000000000000' is in {_sandbox.PathOf("cloud-keys.json")}. Run 'atomiton-storage cloud keys list' to see the ids.", result.Error.TrimEnd());
    }

    [Theory]
    [InlineData("fly", "error: Unknown permission 'fly'; use read, write and/or admin, comma-separated.")]
    [InlineData("1", "error: Unknown permission '1'; use read, write and/or admin, comma-separated.")]
    [InlineData("none", "error: Unknown permission 'none'; use read, write and/or admin, comma-separated.")]
    [InlineData(" , ", "error: --permissions is empty; use read, write and/or admin.")]
    public async Task Bad_permissions_are_usage_errors_and_create_no_key(string permissions, string message)
    {
        var result = await _sandbox.Cli.RunAsync("cloud", "keys", "create", "--tenant", "t/", "--permissions", permissions);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(message, result.Error.TrimEnd());
        Assert.False(File.Exists(_sandbox.PathOf("cloud-keys.json")));
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("../acme/")]
    public async Task A_bad_tenant_is_a_usage_error_without_the_parameter_name(string tenant)
    {
        var result = await _sandbox.Cli.RunAsync("cloud", "keys", "create", "--tenant", tenant);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_sandbox.PathOf("cloud-keys.json")));
    }

    [Fact]
    public async Task Serve_answers_a_real_request_with_the_pipelines_object_and_stops_when_cancelled()
    {
        var cli = _sandbox.Cli;
        string key = (await cli.RunAsync("cloud", "keys", "create", "--tenant", "t/", "--keys", "keys.json")).Output.TrimEnd();
        await SeedAsync("t/hello.txt", "hello over http");

        await using var serving = new Serving(cli, "serve", "--urls", "http://127.0.0.1:0", "--keys", "keys.json", "--upload-dir", "uploads", "--rate-limit", "0");
        string banner = await serving.BannerAsync();
        var endpoint = Regex.Match(banner, @"http://127\.0\.0\.1:\d+/").Value;
        using var http = new HttpClient { BaseAddress = new Uri(endpoint) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/objects/hello.txt");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        using var anonymous = await http.GetAsync(new Uri("v1/objects/hello.txt", UriKind.Relative));
        var result = await serving.StopAsync();

        Assert.Matches($@"^Serving pipeline 'local' on http://127\.0\.0\.1:\d+/ \(keys: {Regex.Escape(_sandbox.PathOf("keys.json"))}, 1 valid\)\. Press Ctrl\+C to stop\.$", banner);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello over http", body);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Equal("Stopped.", result.ErrorLines[^1]);
        Assert.DoesNotContain("warning:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_json_prints_its_addresses_as_the_first_line_and_enforces_the_body_limit()
    {
        var cli = _sandbox.Cli;
        string key = (await cli.RunAsync("cloud", "keys", "create", "--tenant", "t/")).Output.TrimEnd();

        await using var serving = new Serving(cli, "serve", "--urls", "http://127.0.0.1:0", "--max-request-body", "1000", "--json");
        var document = JsonDocument.Parse(await serving.FirstLineAsync()).RootElement;
        string endpoint = document.GetProperty("urls")[0].GetString()!;
        using var http = new HttpClient { BaseAddress = new Uri(endpoint) };
        using var small = Put(key, "t.txt", 1000);
        using var large = Put(key, "u.txt", 1001);
        using var smallResponse = await http.SendAsync(small);
        using var largeResponse = await http.SendAsync(large);
        var result = await serving.StopAsync();

        Assert.Equal("local", document.GetProperty("pipeline").GetString());
        Assert.Equal(_sandbox.PathOf("cloud-keys.json"), document.GetProperty("keys").GetString());
        Assert.Equal(1, document.GetProperty("validKeys").GetInt32());
        Assert.True(smallResponse.IsSuccessStatusCode, smallResponse.StatusCode.ToString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, largeResponse.StatusCode);
        Assert.Equal(130, result.ExitCode);
        Assert.DoesNotContain("Stopped.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_without_a_valid_key_warns_that_every_request_will_be_refused()
    {
        await using var serving = new Serving(_sandbox.Cli, "serve", "--urls", "http://127.0.0.1:0", "--pipeline", "mem");
        await serving.BannerAsync();
        var result = await serving.StopAsync();

        Assert.Equal(130, result.ExitCode);
        Assert.Equal(
            $"warning: {_sandbox.PathOf("cloud-keys.json")} holds no valid key, so every request will be refused with 401. Create one with 'atomiton-storage cloud keys create --tenant <prefix>'.",
            result.ErrorLines[0]);
        Assert.Contains("Serving pipeline 'mem' on ", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rate-limit", "-1")]
    [InlineData("--max-request-body", "0")]
    public async Task Serve_refuses_bad_limits_before_it_starts(string option, string value)
    {
        var result = await _sandbox.Cli.RunAsync("serve", "--urls", "http://127.0.0.1:0", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --rate-limit must be 0 or more and --max-request-body more than 0.", result.Error.TrimEnd());
    }

    private static HttpRequestMessage Put(string key, string name, int size)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "v1/objects/" + name) { Content = new ByteArrayContent(new byte[size]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private async Task SeedAsync(string key, string content)
    {
        var (host, engine) = await _sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            await engine.SaveAsync(key, Encoding.UTF8.GetBytes(content));
        }
    }

    /// <summary>A <c>serve</c> running in the test process until stopped (or the test ends).</summary>
}
