using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Hosting;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// The <c>cloud</c> plugin as operators use it: discovered from its plugin folder, loaded in its own
/// load context, built from a <c>plugins.json</c> stage whose API key is a secret reference.
/// </summary>
public sealed class PluginsJsonTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "atomiton-cloud-pluginsjson", Guid.NewGuid().ToString("N"));
    private CloudTestServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _server = await CloudTestServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Cloud_stage_builds_from_plugins_json_with_the_key_from_an_environment_variable()
    {
        var key = _server.CreateTenantKey(ApiKeyPermissions.Read | ApiKeyPermissions.Write, tenant: "apps/demo/");
        var variable = "ATOMITON_CLOUD_TEST_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, key.Key);
        try
        {
            var json = $$"""
            {
              "pluginDirectories": [{{System.Text.Json.JsonSerializer.Serialize(PluginRoot())}}],
              "stages": {
                "remote": { "type": "cloud", "options": { "endpoint": "{{_server.Endpoint}}", "apiKey": "env:{{variable}}", "chunkSize": 65536 } }
              },
              "pipelines": { "cloud": { "chain": ["remote"] } }
            }
            """;
            var file = Path.Combine(_folder, "plugins.json");
            await File.WriteAllTextAsync(file, json);
            using var host = StorageHost.Load(file);
            Assert.Empty(host.Validate());

            await using var engine = await host.BuildPipelineAsync("cloud");
            await engine.SaveAsync("flows/flow-123.json", "{\"id\":123}"u8.ToArray());
            await engine.SaveAsync("flows/big.bin", new MemoryStream(new byte[300 * 1024]));

            Assert.Equal("{\"id\":123}"u8.ToArray(), await _server.Engine.LoadBytesAsync("apps/demo/flows/flow-123.json"));
            Assert.Equal(300 * 1024, (await engine.StatAsync("flows/big.bin")).Size);
            var info = await engine.GetInfoAsync();
            Assert.Equal("cloud", info.EngineType);
            Assert.Equal("memory", info.Details["serverEngineType"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private static string PluginRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "artifacts", "plugins");
            if (Directory.Exists(Path.Combine(candidate, "Atomiton.Storage.Plugins.Cloud")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("artifacts/plugins/Atomiton.Storage.Plugins.Cloud was not found; build the plugin first.");
    }
}
