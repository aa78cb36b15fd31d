using System.Diagnostics;
using System.Text.Json;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests;

/// <summary>
/// <c>cloud keys create|list|revoke</c> and <c>serve</c>, run as processes: one sandbox serves its
/// <c>local</c> pipeline, another reaches it through the <c>cloud</c> plugin with put and get.
/// </summary>
public sealed class CloudCommandTests : IDisposable
{
    private readonly Sandbox _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task Keys_are_created_once_listed_without_secrets_and_revoked()
    {
        var created = await _server.RunAsync("cloud", "keys", "create", "--tenant", "acme/", "--permissions", "read", "--description", "reports");
        Assert.Equal(0, created.ExitCode);
        var key = created.Output.Trim();
        Assert.Matches("^atm_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", key);
        Assert.DoesNotContain(key, await File.ReadAllTextAsync(_server.PathOf("cloud-keys.json")), StringComparison.Ordinal);

        var listed = await _server.RunAsync("cloud", "keys", "list", "--json");
        Assert.Equal(0, listed.ExitCode);
        Assert.DoesNotContain(key[^43..], listed.Output, StringComparison.Ordinal);
        var entry = JsonDocument.Parse(listed.Output).RootElement.EnumerateArray().Single();
        Assert.Equal("acme/", entry.GetProperty("tenantPrefix").GetString());
        Assert.Equal("Read", entry.GetProperty("permissions").GetString());
        string id = entry.GetProperty("id").GetString()!;
        Assert.StartsWith("atm_" + id + "_", key, StringComparison.Ordinal);

        Assert.Equal(0, (await _server.RunAsync("cloud", "keys", "revoke", id)).ExitCode);
        var table = await _server.RunAsync("cloud", "keys", "list");
        Assert.Contains("revoked", table.Output, StringComparison.Ordinal);
        Assert.Equal(3, (await _server.RunAsync("cloud", "keys", "revoke", "0000000000000000")).ExitCode);
    }

    [Theory]
    [InlineData("--tenant", "acme")]
    [InlineData("--tenant", "../acme/")]
    [InlineData("--permissions", "fly")]
    public async Task Invalid_key_requests_are_usage_errors(string option, string value)
    {
        string[] arguments = option == "--tenant"
            ? ["cloud", "keys", "create", option, value]
            : ["cloud", "keys", "create", "--tenant", "acme/", option, value];
        var result = await _server.RunAsync(arguments);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_server.PathOf("cloud-keys.json")));
    }

    [Fact]
    public async Task Serve_exposes_a_pipeline_that_another_host_reaches_through_the_cloud_plugin()
    {
        var key = (await _server.RunAsync("cloud", "keys", "create", "--tenant", "apps/demo/")).Output.Trim();
        using var serving = Process.Start(HostProcess.StartInfo(_server.Directory, ["serve", "--pipeline", "local", "--urls", "http://127.0.0.1:0"]))!;
        try
        {
            var banner = await serving.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(5));
            Assert.NotNull(banner);
            var endpoint = System.Text.RegularExpressions.Regex.Match(banner, @"http://127\.0\.0\.1:\d+/").Value;
            Assert.NotEmpty(endpoint);

            var variable = "ATOMITON_CLOUD_CLI_KEY_" + Guid.NewGuid().ToString("N");
            Environment.SetEnvironmentVariable(variable, key);
            try
            {
                using var client = new Sandbox($$"""
                    {
                      "pluginDirectories": [{{Sandbox.PluginDirectoryJson}}],
                      "defaultPipeline": "remote",
                      "stages": { "cloud": { "type": "cloud", "options": { "endpoint": "{{endpoint}}", "apiKey": "env:{{variable}}" } } },
                      "pipelines": { "remote": { "chain": ["cloud"] } }
                    }
                    """);
                await File.WriteAllTextAsync(client.PathOf("flow.json"), """{"id":"f1"}""");

                var put = await client.RunAsync("put", "flows/f1.json", "flow.json");
                var get = await client.RunAsync("get", "flows/f1.json");
                Assert.Equal(0, put.ExitCode);
                Assert.Equal(0, get.ExitCode);
                Assert.Equal("""{"id":"f1"}""", get.Output);
                var (host, served) = await _server.OpenAsync("local");
                using (host)
                {
                    await using (served)
                    {
                        Assert.True(await served.ExistsAsync("apps/demo/flows/f1.json"));
                    }
                }

                var id = key.Split('_')[1];
                Assert.Equal(0, (await _server.RunAsync("cloud", "keys", "revoke", id)).ExitCode);
                var refused = await client.RunAsync("get", "flows/f1.json");
                Assert.Equal(5, refused.ExitCode);
            }
            finally
            {
                Environment.SetEnvironmentVariable(variable, null);
            }
        }
        finally
        {
            serving.Kill(entireProcessTree: true);
            await serving.WaitForExitAsync();
        }
    }
}
