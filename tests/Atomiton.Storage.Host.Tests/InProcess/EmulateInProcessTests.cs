using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.InProcess;

/// <summary><c>emulate</c>: lists the emulators, serves one on loopback until Ctrl+C, refuses bad names and ports.</summary>
public sealed class EmulateInProcessTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task List_names_every_emulator_with_a_description()
    {
        var listed = await _sandbox.Cli.RunAsync("emulate", "--list", "--json");

        Assert.Equal(0, listed.ExitCode);
        var names = listed.Json().EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Contains("oauth", names);
        Assert.All(listed.Json().EnumerateArray(), e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("description").GetString())));
    }

    [Fact]
    public async Task Oauth_serves_a_working_authority_on_loopback_until_ctrl_c()
    {
        await using var serving = new Serving(_sandbox.Cli, "emulate", "oauth", "--json");
        var document = JsonDocument.Parse(await serving.FirstLineAsync()).RootElement;
        var token = new Uri(document.GetProperty("addresses").GetProperty("token").GetString()!);
        using var http = new HttpClient();
        using var refused = await http.PostAsync(token, new FormUrlEncodedContent([new("grant_type", "refresh_token"), new("refresh_token", "unknown"), new("client_id", "test-client")]));
        string body = await refused.Content.ReadAsStringAsync();
        var result = await serving.StopAsync();

        Assert.Equal("oauth", document.GetProperty("emulator").GetString());
        Assert.Equal("127.0.0.1", token.Host);
        Assert.Equal("test-client", document.GetProperty("settings").GetProperty("clientId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_grant", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
        Assert.True(result.ExitCode == 130, result.ToString());
    }

    [Fact]
    public async Task Text_output_shows_each_address_by_role()
    {
        await using var serving = new Serving(_sandbox.Cli, "emulate", "oauth");
        string banner = await serving.FirstLineAsync();
        var result = await serving.StopAsync();

        Assert.Matches(@"^Emulating 'oauth' on http://127\.0\.0\.1:\d+/\. Press Ctrl\+C to stop\.$", banner);
        Assert.Matches(new Regex(@"^  token\s+http://127\.0\.0\.1:\d+/token$", RegexOptions.Multiline), result.Output);
        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Equal("Stopped.", result.ErrorLines[^1]);
    }

    [Theory]
    [InlineData("nosuch", "There is no emulator named 'nosuch'; choose one of oauth")]
    [InlineData("", "Name the emulator to start: one of oauth")]
    public async Task An_unknown_or_missing_name_is_a_usage_error_naming_the_choices(string name, string expected)
    {
        var result = await _sandbox.Cli.RunAsync(name.Length == 0 ? ["emulate"] : ["emulate", name]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_out_of_range_is_a_usage_error()
    {
        var result = await _sandbox.Cli.RunAsync("emulate", "oauth", "--port", "70000");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--port 70000 is not a port", result.Error, StringComparison.Ordinal);
    }
}
