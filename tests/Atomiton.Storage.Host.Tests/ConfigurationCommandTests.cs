using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests;

public sealed class ConfigurationCommandTests : IDisposable
{
    private readonly List<Sandbox> _sandboxes = [];

    [Fact]
    public async Task Plugins_lists_built_in_and_plugin_providers_with_kind_plugin_version_folder_and_status()
    {
        var result = await Sandbox().RunAsync("plugins");

        Assert.Equal(0, result.ExitCode);
        var memory = Line(result.Output, "memory ");
        Assert.Contains("backend", memory, StringComparison.Ordinal);
        Assert.Contains("built-in (Atomiton.Storage)", memory, StringComparison.Ordinal);
        Assert.Contains("loaded", memory, StringComparison.Ordinal);
        var filesystem = Line(result.Output, "filesystem ");
        Assert.Contains(Path.TrimEndingDirectorySeparator(BuildPaths.Plugins), filesystem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plugins_reports_a_plugin_that_failed_to_load_with_its_reason_and_keeps_the_others()
    {
        var sandbox = SandboxWithBrokenPlugin();

        var result = await sandbox.RunAsync("plugins");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("memory ", result.Output, StringComparison.Ordinal);
        var failed = Line(result.Output, "FAILED plugin 'Broken.Plugin'");
        Assert.Contains(sandbox.PathOf("plugins"), failed, StringComparison.Ordinal);
        Assert.Contains("Broken.Plugin.dll", failed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pipeline_whose_type_is_missing_fails_with_exit_6_naming_the_stage_and_the_available_types()
    {
        var sandbox = SandboxWithBrokenPlugin();

        var result = await sandbox.RunAsync("ls", "--pipeline", "needs-plugin");

        Assert.Equal(6, result.ExitCode);
        Assert.Contains("stage 'vault'", result.Error, StringComparison.Ordinal);
        Assert.Contains("'no-such-type'", result.Error, StringComparison.Ordinal);
        Assert.Contains("memory", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipelines_shows_each_chain_and_effective_capabilities()
    {
        var result = await Sandbox().RunAsync("pipelines");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("local (default): disk (filesystem)", result.Output, StringComparison.Ordinal);
        Assert.Contains("mem: memory", result.Output, StringComparison.Ordinal);
        Assert.Contains("capabilities: Read, Write, Delete, List", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_of_a_good_configuration_exits_0()
    {
        var result = await Sandbox().RunAsync("validate");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("plugins.json: valid (3 pipelines", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_reports_every_problem_at_once_and_exits_6()
    {
        var sandbox = Sandbox("""
            {
              "defaultPipeline": "one",
              "stages": { "limited": { "type": "memory", "options": { "maxItems": -5 } } },
              "pipelines": {
                "one": { "chain": ["nope"] },
                "two": { "chain": ["limited"] }
              }
            }
            """);

        var result = await sandbox.RunAsync("validate");

        Assert.Equal(6, result.ExitCode);
        var errors = result.Output.Split('\n').Where(line => line.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains("pipeline 'one'", StringComparison.Ordinal) && e.Contains("'nope'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("stage 'limited'", StringComparison.Ordinal) && e.Contains("MaxItems", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("2 problems", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_pipeline_exits_3_and_lists_the_declared_ones()
    {
        var result = await Sandbox().RunAsync("ls", "--pipeline", "nope");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("error: Unknown pipeline 'nope' in plugins.json; declared pipelines: archive, local, mem. Run 'atomiton-storage pipelines' to see them.", result.Error.Trim());
    }

    [Fact]
    public async Task Malformed_configuration_exits_6_saying_it_is_not_json()
    {
        var result = await Sandbox("{ this is not json").RunAsync("ls");

        Assert.Equal(6, result.ExitCode);
        Assert.Contains("'plugins.json' is not valid JSON", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_configuration_file_exits_6_naming_it()
    {
        var result = await Sandbox().RunAsync("ls", "--config", "elsewhere/plugins.json");

        Assert.Equal(6, result.ExitCode);
        Assert.Contains("'elsewhere/plugins.json'", result.Error, StringComparison.Ordinal);
        Assert.Contains("does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_configuration_anywhere_exits_6_saying_where_it_looked()
    {
        var sandbox = Sandbox();
        File.Delete(sandbox.ConfigurationFile);

        var result = await sandbox.RunAsync("ls");

        Assert.Equal(6, result.ExitCode);
        Assert.Contains("No plugins.json found", result.Error, StringComparison.Ordinal);
        Assert.Contains("--config", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_saves_lists_loads_and_shows_info_on_the_default_pipeline()
    {
        var sandbox = Sandbox();

        var result = await sandbox.RunAsync("demo");
        var listed = await sandbox.RunAsync("ls", "demo/", "--recursive");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("1. saved   demo/flows/hello-flow.json", result.Output, StringComparison.Ordinal);
        Assert.Contains("2. listed  demo/flows/: demo/flows/hello-flow.json", result.Output, StringComparison.Ordinal);
        Assert.Contains("identical to what was saved", result.Output, StringComparison.Ordinal);
        Assert.Contains("pipeline 'local'", result.Output, StringComparison.Ordinal);
        Assert.Equal("demo/flows/hello-flow.json", listed.Output.Trim());
    }

    private Sandbox Sandbox(string? configuration = null)
    {
        var sandbox = new Sandbox(configuration);
        _sandboxes.Add(sandbox);
        return sandbox;
    }

    // A plugin folder whose main assembly is missing, next to a configuration that needs a type nobody provides.
    private Sandbox SandboxWithBrokenPlugin()
    {
        var sandbox = Sandbox("""
            {
              "pluginDirectories": ["plugins"],
              "defaultPipeline": "mem",
              "stages": { "vault": { "type": "no-such-type" } },
              "pipelines": { "mem": { "chain": ["memory"] }, "needs-plugin": { "chain": ["vault", "memory"] } }
            }
            """);
        Directory.CreateDirectory(sandbox.PathOf("plugins/Broken.Plugin"));
        File.WriteAllText(sandbox.PathOf("plugins/Broken.Plugin/readme.txt"), "no assembly here");
        return sandbox;
    }

    private static string Line(string output, string start) =>
        output.Split('\n').FirstOrDefault(line => line.StartsWith(start, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"No line starts with '{start}' in:\n{output}");

    public void Dispose()
    {
        foreach (var sandbox in _sandboxes)
        {
            sandbox.Dispose();
        }
    }
}
