using System.Text.Json;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.InProcess;

/// <summary>How <c>validate</c> and the commands report what is wrong with plugins.json: one cause, one problem, at its real location.</summary>
public sealed class ConfigurationProblemsInProcessTests : IDisposable
{
    private readonly List<Sandbox> _sandboxes = [];

    public void Dispose()
    {
        foreach (var sandbox in _sandboxes)
        {
            sandbox.Dispose();
        }
    }

    [Fact]
    public async Task An_unset_secret_variable_is_one_problem_not_also_a_missing_key()
    {
        string variable = "ATOMITON_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        var sandbox = Sandbox($$"""
            {
              "defaultPipeline": "safe",
              "stages": { "vault": { "type": "encrypted", "options": { "key": "env:{{variable}}" } } },
              "pipelines": { "safe": { "chain": ["vault", "memory"] } }
            }
            """);

        var result = await sandbox.Cli.RunAsync("validate", "--json");

        Assert.Equal(6, result.ExitCode);
        var problem = Assert.Single(result.Json().GetProperty("problems").EnumerateArray());
        Assert.Equal("$.stages.vault.options.key", problem.GetProperty("jsonPath").GetString());
        Assert.Contains(variable, problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_object_where_a_path_is_expected_is_one_problem_not_also_a_missing_path()
    {
        var sandbox = Sandbox($$"""
            {
              "pluginDirectories": [{{Support.Sandbox.PluginDirectoryJson}}],
              "defaultPipeline": "local",
              "stages": { "disk": { "type": "filesystem", "options": { "baseDir": { "path": "data" } } } },
              "pipelines": { "local": { "chain": ["disk"] } }
            }
            """);

        var result = await sandbox.Cli.RunAsync("validate", "--json");

        Assert.Equal(6, result.ExitCode);
        var problem = Assert.Single(result.Json().GetProperty("problems").EnumerateArray());
        Assert.Equal("$.stages.disk.options.baseDir", problem.GetProperty("jsonPath").GetString());
        Assert.Contains("an object or array is not a valid string", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stage_problem_shared_by_several_pipelines_is_reported_once_naming_them_all()
    {
        var sandbox = Sandbox("""
            {
              "defaultPipeline": "one",
              "stages": { "limited": { "type": "memory", "options": { "maxItems": -5 } } },
              "pipelines": { "one": { "chain": ["limited"] }, "two": { "chain": ["limited"] }, "three": { "chain": ["memory"] } }
            }
            """);

        var text = await sandbox.Cli.RunAsync("validate");
        var json = await sandbox.Cli.RunAsync("validate", "--json");

        Assert.Equal(6, text.ExitCode);
        var error = Assert.Single(text.OutputLines, line => line.StartsWith("error: ", StringComparison.Ordinal));
        Assert.StartsWith("error: plugins.json: $.stages.limited.options.maxItems (pipelines 'one', 'two', stage 'limited', option 'maxItems'): ", error, StringComparison.Ordinal);
        Assert.Equal("plugins.json: 1 problem.", text.OutputLines[^1]);
        var problem = Assert.Single(json.Json().GetProperty("problems").EnumerateArray());
        Assert.Equal(["one", "two"], problem.GetProperty("pipelines").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task A_provider_type_named_in_a_chain_is_located_at_the_chain_element_that_exists()
    {
        var sandbox = Sandbox($$"""
            {
              "pluginDirectories": [{{Support.Sandbox.PluginDirectoryJson}}],
              "defaultPipeline": "local",
              "pipelines": { "local": { "chain": ["filesystem"] } }
            }
            """);

        var result = await sandbox.Cli.RunAsync("validate", "--json");

        Assert.Equal(6, result.ExitCode);
        var problem = Assert.Single(result.Json().GetProperty("problems").EnumerateArray());
        Assert.Equal("$.pipelines.local.chain[0]", problem.GetProperty("jsonPath").GetString());
        Assert.Contains("declare a stage under stages with \"type\": \"filesystem\"", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://storage.example.com/")]
    public async Task A_cloud_endpoint_that_is_not_http_is_refused_without_offering_ftp(string endpoint)
    {
        var sandbox = Sandbox($$"""
            {
              "pluginDirectories": [{{Support.Sandbox.PluginDirectoryJson}}],
              "defaultPipeline": "remote",
              "stages": { "cloud": { "type": "cloud", "options": { "endpoint": "{{endpoint}}", "apiKey": "file:key.txt" } } },
              "pipelines": { "remote": { "chain": ["cloud"] } }
            }
            """);
        File.WriteAllText(sandbox.PathOf("key.txt"), "ak_test");

        var result = await sandbox.Cli.RunAsync("validate", "--json");

        Assert.Equal(6, result.ExitCode);
        var problem = Assert.Single(result.Json().GetProperty("problems").EnumerateArray());
        Assert.Equal("$.stages.cloud.options.endpoint", problem.GetProperty("jsonPath").GetString());
        Assert.Equal("endpoint must be an absolute http:// or https:// URL, such as https://storage.example.com/.", problem.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_missing_plugin_directory_is_called_a_plugin_directory()
    {
        var sandbox = Sandbox("""
            {
              "pluginDirectories": ["no-such-plugins"],
              "defaultPipeline": "mem",
              "pipelines": { "mem": { "chain": ["memory"] } }
            }
            """);

        var result = await sandbox.Cli.RunAsync("validate");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"warning: plugin directory '{sandbox.PathOf("no-such-plugins")}': the plugin directory does not exist. Build the plugins (dotnet build lays them out there) or fix pluginDirectories.", result.OutputLines[0]);
    }

    private Sandbox Sandbox(string configuration)
    {
        var sandbox = new Sandbox(configuration);
        _sandboxes.Add(sandbox);
        return sandbox;
    }
}
