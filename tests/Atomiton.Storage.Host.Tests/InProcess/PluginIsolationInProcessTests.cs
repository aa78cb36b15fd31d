using Atomiton.Storage.Host.Cli;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.InProcess;

/// <summary>`plugins` lets an operator see that isolation worked; a plugin's bug has an exit code of its own.</summary>
public sealed class PluginIsolationInProcessTests : IDisposable
{
    private readonly Sandbox _sandbox = new("""
        {
          "pluginDirectories": ["plugins"],
          "defaultPipeline": "mem",
          "stages": { "probe": { "type": "extensions-probe" } },
          "pipelines": { "mem": { "chain": ["memory"] }, "probed": { "chain": ["probe", "memory"] } }
        }
        """);

    public PluginIsolationInProcessTests()
    {
        string source = Path.Combine(BuildPaths.TestPlugins, "ExtensionsPlugin");
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string destination = _sandbox.PathOf(Path.Combine("plugins", "ExtensionsPlugin", Path.GetRelativePath(source, file)));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Plugins_shows_each_plugins_load_context_and_its_own_versions_that_differ_from_the_hosts()
    {
        var result = await _sandbox.Cli.RunAsync("plugins");

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.OutputLines, l => l.StartsWith("plugin 'ExtensionsPlugin': ", StringComparison.Ordinal));
        Assert.Matches(@"load context '[^']*ExtensionsPlugin[^']*' \(isolated; the contract is the host's\)", line);
        Assert.Matches(@"its own Microsoft\.Extensions\.Primitives 11\.0\.0\.0 \(host 10\.\d+\.\d+\.\d+\)", line);
        Assert.DoesNotContain("Atomiton.Storage.Abstractions", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plugins_json_lists_each_plugins_load_context_and_differing_dependencies()
    {
        var result = await _sandbox.Cli.RunAsync("plugins", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var plugin = Assert.Single(result.Json().GetProperty("plugins").EnumerateArray());
        Assert.Equal("ExtensionsPlugin", plugin.GetProperty("name").GetString());
        Assert.Contains("ExtensionsPlugin", plugin.GetProperty("loadContext").GetString(), StringComparison.Ordinal);
        Assert.Equal("extensions-probe", Assert.Single(plugin.GetProperty("providers").EnumerateArray()).GetString());
        var dependency = Assert.Single(plugin.GetProperty("differingDependencies").EnumerateArray());
        Assert.Equal("Microsoft.Extensions.Primitives", dependency.GetProperty("name").GetString());
        Assert.Equal("11.0.0.0", dependency.GetProperty("version").GetString());
        Assert.StartsWith("10.", dependency.GetProperty("hostVersion").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_failure_has_exit_code_7_and_its_own_kind()
    {
        var error = new StorageException(StorageErrorCode.PluginFailed, "Provider 'x' failed.");

        Assert.Equal((7, "PluginFailed"), (ErrorClassifier.ExitCodeOf(error), ErrorClassifier.KindOf(error)));
    }
}
