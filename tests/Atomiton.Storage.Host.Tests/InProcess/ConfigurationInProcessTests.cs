using System.Text.Json;
using System.Text.Json.Nodes;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.InProcess;

/// <summary>plugins, pipelines, validate, info and demo in the test process, and how the configuration file is found.</summary>
public sealed class ConfigurationInProcessTests : IDisposable
{
    private const string MemoryOnly = """
        {
          "defaultPipeline": "mem",
          "stages": { "small": { "type": "memory", "options": { "maxItems": 10 } } },
          "pipelines": { "mem": { "chain": ["memory"] }, "small": { "chain": ["small"] } }
        }
        """;

    private readonly List<Sandbox> _sandboxes = [];

    public void Dispose()
    {
        foreach (var sandbox in _sandboxes)
        {
            sandbox.Dispose();
        }
    }

    [Fact]
    public async Task Plugins_prints_a_table_of_providers_and_the_plugins_that_failed()
    {
        var sandbox = SandboxWithBrokenPlugin();

        var result = await sandbox.Cli.RunAsync("plugins");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches("^NAME +KIND +PLUGIN +VERSION +STATUS +FOLDER$", result.OutputLines[0]);
        Assert.Contains(result.OutputLines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^memory +backend +built-in \(Atomiton\.Storage\) +\d+\.\d+\.\d+\.\d+ +loaded +/"));
        Assert.Contains(result.OutputLines, line => line.StartsWith("cached ", StringComparison.Ordinal) && line.Contains(" wrapper ", StringComparison.Ordinal));
        var failed = Assert.Single(result.OutputLines, line => line.StartsWith("FAILED plugin 'Broken.Plugin' at ", StringComparison.Ordinal));
        Assert.Contains(sandbox.PathOf("plugins/Broken.Plugin"), failed, StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task Plugins_notes_a_configuration_without_plugin_directories_unless_json()
    {
        var sandbox = Sandbox(MemoryOnly);

        var text = await sandbox.Cli.RunAsync("plugins");
        var json = await sandbox.Cli.RunAsync("plugins", "--json");

        Assert.Equal("note: plugins.json declares no pluginDirectories; only built-in providers are available.", text.Error.TrimEnd());
        Assert.Equal(0, json.ExitCode);
        Assert.Equal("", json.Error);
        var document = json.Json();
        Assert.Equal("plugins.json", document.GetProperty("configuration").GetString());
        Assert.Equal(0, document.GetProperty("pluginDirectories").GetArrayLength());
        Assert.Equal(0, document.GetProperty("failures").GetArrayLength());
        var memory = document.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "memory");
        Assert.Equal("backend", memory.GetProperty("kind").GetString());
        Assert.Equal("loaded", memory.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(memory.GetProperty("description").GetString()));
    }

    [Fact]
    public async Task Plugins_json_lists_each_failure_with_its_reason()
    {
        var sandbox = SandboxWithBrokenPlugin();

        var json = await sandbox.Cli.RunAsync("plugins", "--json");

        var failure = Assert.Single(json.Json().GetProperty("failures").EnumerateArray());
        Assert.Equal("Broken.Plugin", failure.GetProperty("plugin").GetString());
        Assert.Equal("failed", failure.GetProperty("status").GetString());
        Assert.Contains("Broken.Plugin.dll", failure.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipelines_shows_chains_capabilities_and_why_a_pipeline_is_unavailable()
    {
        var sandbox = SandboxWithBrokenPlugin();

        var result = await sandbox.Cli.RunAsync("pipelines");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("mem (default): memory", result.OutputLines[0]);
        Assert.StartsWith("  capabilities: Read, Write, Delete, List, ", result.OutputLines[1], StringComparison.Ordinal);
        Assert.Equal("needs-plugin: vault (no-such-type) -> memory", result.OutputLines[2]);
        Assert.StartsWith("  unavailable: ", result.OutputLines[3], StringComparison.Ordinal);
        Assert.Contains("'no-such-type'", result.OutputLines[3], StringComparison.Ordinal);
        Assert.Equal(4, result.OutputLines.Length);
    }

    [Fact]
    public async Task Pipelines_json_has_the_default_each_chain_and_a_problem_for_an_unavailable_pipeline()
    {
        var sandbox = SandboxWithBrokenPlugin();

        var result = await sandbox.Cli.RunAsync("pipelines", "--json");

        var json = result.Json();
        Assert.Equal("mem", json.GetProperty("defaultPipeline").GetString());
        var pipelines = json.GetProperty("pipelines").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.True(pipelines["mem"].GetProperty("isDefault").GetBoolean());
        Assert.Contains("NativeMove", pipelines["mem"].GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        var broken = pipelines["needs-plugin"];
        Assert.False(broken.GetProperty("isDefault").GetBoolean());
        Assert.False(broken.TryGetProperty("capabilities", out _));
        Assert.Contains("'no-such-type'", broken.GetProperty("problem").GetString(), StringComparison.Ordinal);
        var chain = broken.GetProperty("chain").EnumerateArray().Select(s => $"{s.GetProperty("stage").GetString()}:{s.GetProperty("type").GetString()}");
        Assert.Equal(["vault:no-such-type", "memory:memory"], chain);
    }

    [Fact]
    public async Task Validate_of_a_good_configuration_counts_pipelines_and_providers()
    {
        var sandbox = Sandbox(MemoryOnly);

        var text = await sandbox.Cli.RunAsync("validate");
        var json = await sandbox.Cli.RunAsync("validate", "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Matches(@"^plugins\.json: valid \(2 pipelines, \d+ providers\)\.$", text.Output.TrimEnd());
        Assert.Equal(0, json.ExitCode);
        Assert.True(json.Json().GetProperty("valid").GetBoolean());
        Assert.Equal(0, json.Json().GetProperty("problems").GetArrayLength());
    }

    [Fact]
    public async Task Validate_warns_about_failed_plugins_reports_each_problem_and_exits_6()
    {
        var sandbox = SandboxWithBrokenPlugin();

        var text = await sandbox.Cli.RunAsync("validate");
        var json = await sandbox.Cli.RunAsync("validate", "--json");

        Assert.Equal(6, text.ExitCode);
        Assert.StartsWith("warning: ", text.OutputLines[0], StringComparison.Ordinal);
        Assert.Contains("Broken.Plugin", text.OutputLines[0], StringComparison.Ordinal);
        var error = Assert.Single(text.OutputLines, line => line.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains("pipeline 'needs-plugin'", error, StringComparison.Ordinal);
        Assert.Equal("plugins.json: 1 problem.", text.OutputLines[^1]);
        Assert.Equal(6, json.ExitCode);
        var document = json.Json();
        Assert.False(document.GetProperty("valid").GetBoolean());
        var problem = Assert.Single(document.GetProperty("problems").EnumerateArray());
        Assert.Equal("needs-plugin", problem.GetProperty("pipeline").GetString());
        Assert.Equal("vault", problem.GetProperty("stage").GetString());
        Assert.False(problem.GetProperty("missingSecret").GetBoolean());
        Assert.Equal("Broken.Plugin", Assert.Single(document.GetProperty("pluginFailures").EnumerateArray()).GetProperty("plugin").GetString());
    }

    [Fact]
    public async Task Validate_counts_several_problems_in_the_plural()
    {
        var sandbox = Sandbox("""
            {
              "defaultPipeline": "one",
              "stages": { "limited": { "type": "memory", "options": { "maxItems": -5 } } },
              "pipelines": { "one": { "chain": ["nope"] }, "two": { "chain": ["limited"] } }
            }
            """);

        var result = await sandbox.Cli.RunAsync("validate");

        Assert.Equal(6, result.ExitCode);
        Assert.Equal(2, result.OutputLines.Count(line => line.StartsWith("error: ", StringComparison.Ordinal)));
        Assert.Equal("plugins.json: 2 problems.", result.OutputLines[^1]);
    }

    [Fact]
    public async Task Info_shows_each_level_with_capabilities_limits_and_details()
    {
        var sandbox = Sandbox(MemoryOnly);

        var text = await sandbox.Cli.RunAsync("info", "--pipeline", "SMALL");
        var json = await sandbox.Cli.RunAsync("info", "-p", "small", "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Equal("pipeline 'small'", text.OutputLines[0]);
        Assert.Matches("^  memory on .+, connected$", text.OutputLines[1]);
        Assert.StartsWith("    capabilities: ", text.OutputLines[2], StringComparison.Ordinal);
        Assert.Contains(text.OutputLines, line => line.StartsWith("    limits: ", StringComparison.Ordinal) && line.Contains("max items 10", StringComparison.Ordinal));
        Assert.Equal(0, json.ExitCode);
        Assert.Equal("small", json.Json().GetProperty("pipeline").GetString());
        Assert.Equal(10, json.Json().GetProperty("info").GetProperty("limits").GetProperty("maxItems").GetInt64());
    }

    [Fact]
    public async Task Info_indents_each_inner_engine_one_level_deeper()
    {
        var sandbox = Sandbox("""
            { "defaultPipeline": "c", "pipelines": { "c": { "chain": ["cached", "memory"] } } }
            """);

        var text = await sandbox.Cli.RunAsync("info");

        Assert.Equal(0, text.ExitCode);
        Assert.Equal("pipeline 'c'", text.OutputLines[0]);
        Assert.Matches("^  cached on .+, connected$", text.OutputLines[1]);
        Assert.Contains(text.OutputLines, line => System.Text.RegularExpressions.Regex.IsMatch(line, "^    memory on .+, connected$"));
    }

    [Fact]
    public async Task Demo_tells_each_step_and_with_json_prints_one_document()
    {
        var sandbox = Sandbox(MemoryOnly);

        var text = await sandbox.Cli.RunAsync("demo");
        var json = await sandbox.Cli.RunAsync("demo", "--json");

        Assert.Equal(0, text.ExitCode);
        var lines = text.OutputLines;
        Assert.Equal("Using pipeline 'mem' from plugins.json.", lines[0]);
        Assert.Matches(@"^1\. saved   demo/flows/hello-flow\.json \(\d+ bytes, etag .+\)$", lines[1]);
        Assert.Equal("2. listed  demo/flows/: demo/flows/hello-flow.json", lines[2]);
        Assert.Matches(@"^3\. loaded  demo/flows/hello-flow\.json \(\d+ bytes, identical to what was saved\)$", lines[3]);
        Assert.Equal("4. info", lines[4]);
        Assert.Equal("pipeline 'mem'", lines[5]);
        Assert.StartsWith("Done. Look at it yourself: ", lines[^1], StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        var document = json.Json();
        Assert.Equal("mem", document.GetProperty("pipeline").GetString());
        Assert.True(document.GetProperty("identical").GetBoolean());
        Assert.Equal(["demo/flows/hello-flow.json"], document.GetProperty("listed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(document.GetProperty("saved").GetProperty("size").GetInt64(), document.GetProperty("loadedBytes").GetInt64());
        Assert.Equal("memory", document.GetProperty("info").GetProperty("engineType").GetString());
    }

    [Fact]
    public async Task Demo_on_a_pipeline_that_returns_other_bytes_says_so_and_exits_1()
    {
        var sandbox = Sandbox(MemoryOnly);
        var corrupting = sandbox.Cli with
        {
            DecoratePipelines = source => new DecoratedPipelineSource(source, (_, engine) => new TamperingEngine(engine, corrupt: _ => true)),
        };

        var result = await corrupting.RunAsync("demo");

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^3\. loaded  demo/flows/hello-flow\.json \(\d+ bytes, DIFFERENT from what was saved\)$", result.OutputLines[3]);
        Assert.Equal("error: Pipeline 'mem' returned different bytes for demo/flows/hello-flow.json than were saved; run 'atomiton-storage info' and check its stages.", result.Error.TrimEnd());
    }

    [Fact]
    public async Task Unknown_pipeline_exits_3_listing_the_declared_ones_and_names_compare_case_insensitively()
    {
        var sandbox = Sandbox(MemoryOnly);

        var unknown = await sandbox.Cli.RunAsync("ls", "--pipeline", "nope");
        var differentCase = await sandbox.Cli.RunAsync("ls", "--pipeline", "MEM");

        Assert.Equal(3, unknown.ExitCode);
        Assert.Equal("error: Unknown pipeline 'nope' in plugins.json; declared pipelines: mem, small. Run 'atomiton-storage pipelines' to see them.", unknown.Error.TrimEnd());
        Assert.Equal(0, differentCase.ExitCode);
    }

    [Fact]
    public async Task A_configuration_without_a_default_pipeline_needs_pipeline()
    {
        var sandbox = Sandbox("""{ "pipelines": { "b": { "chain": ["memory"] }, "a": { "chain": ["memory"] } } }""");

        var result = await sandbox.Cli.RunAsync("info");
        var named = await sandbox.Cli.RunAsync("info", "-p", "a");

        Assert.Equal(6, result.ExitCode);
        Assert.Equal("error: plugins.json declares no defaultPipeline; pass --pipeline with one of: a, b.", result.Error.TrimEnd());
        Assert.Equal(0, named.ExitCode);
    }

    [Fact]
    public async Task A_configuration_without_pipelines_says_none_are_declared()
    {
        var sandbox = Sandbox("""{ "pipelines": {} }""");

        var result = await sandbox.Cli.RunAsync("info", "-p", "x");

        Assert.Equal(6, result.ExitCode);
        Assert.StartsWith("error: plugins.json declares no pipelines; declare one under pipelines", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("(none)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pipeline_that_cannot_be_built_exits_6_naming_the_stage()
    {
        var sandbox = SandboxWithBrokenPlugin();

        var result = await sandbox.Cli.RunAsync("ls", "--pipeline", "needs-plugin", "--json");

        Assert.Equal(6, result.ExitCode);
        var error = result.ErrorJson().GetProperty("error");
        Assert.Equal("InvalidConfiguration", error.GetProperty("kind").GetString());
        Assert.Contains("stage 'vault'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explicit_config_is_relative_to_the_working_folder_and_its_paths_to_its_own_folder()
    {
        var sandbox = Sandbox(MemoryOnly);
        Directory.CreateDirectory(sandbox.PathOf("conf"));
        File.WriteAllText(sandbox.PathOf("conf/other.json"), $$"""
            {
              "pluginDirectories": [{{Support.Sandbox.PluginDirectoryJson}}],
              "defaultPipeline": "disk",
              "stages": { "files": { "type": "filesystem", "options": { "baseDir": "store" } } },
              "pipelines": { "disk": { "chain": ["files"] } }
            }
            """);

        var put = await sandbox.Cli.RunWithInputAsync("hi"u8.ToArray(), "put", "k.txt", "--config", "conf/other.json");
        var validate = await sandbox.Cli.RunAsync("validate", "-c", "conf/other.json");

        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.EndsWith("(pipeline 'disk')", put.Output.TrimEnd(), StringComparison.Ordinal);
        Assert.True(Directory.Exists(sandbox.PathOf("conf/store")));
        Assert.False(Directory.Exists(sandbox.PathOf("store")));
        Assert.StartsWith("conf/other.json: valid (1 pipelines", validate.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_explicit_config_exits_6_with_the_path_as_given_and_resolved()
    {
        var sandbox = Sandbox(MemoryOnly);

        var result = await sandbox.Cli.RunAsync("ls", "--config", "elsewhere/plugins.json");

        Assert.Equal(6, result.ExitCode);
        Assert.Equal(
            $"error: The configuration file 'elsewhere/plugins.json' (resolved to '{sandbox.PathOf("elsewhere/plugins.json")}') does not exist. Create it (see docs/plugins-json.md) or pass the right path.",
            result.Error.TrimEnd());
    }

    [Fact]
    public async Task A_configuration_that_is_not_json_exits_6_naming_the_file()
    {
        var sandbox = Sandbox("{\n  \"pipelines\": { this is not json");

        var result = await sandbox.Cli.RunAsync("pipelines");

        Assert.Equal(6, result.ExitCode);
        Assert.StartsWith("error: The configuration file 'plugins.json' is not valid JSON at line 2, column 18: ", result.Error, StringComparison.Ordinal);
        Assert.Single(result.ErrorLines);
    }

    [Fact]
    public async Task The_working_folders_plugins_json_comes_before_the_users_and_config_before_both()
    {
        var sandbox = Sandbox(MemoryOnly);
        var cli = sandbox.Cli;
        Directory.CreateDirectory(cli.UserConfigurationDirectory);
        File.WriteAllText(Path.Combine(cli.UserConfigurationDirectory, "plugins.json"), """{ "defaultPipeline": "user", "pipelines": { "user": { "chain": ["memory"] } } }""");
        File.WriteAllText(sandbox.PathOf("explicit.json"), """{ "defaultPipeline": "explicit", "pipelines": { "explicit": { "chain": ["memory"] } } }""");

        var local = await cli.RunAsync("pipelines", "--json");
        var explicitFile = await cli.RunAsync("pipelines", "--json", "--config", "explicit.json");

        Assert.Equal("plugins.json", local.Json().GetProperty("configuration").GetString());
        Assert.Equal("mem", local.Json().GetProperty("defaultPipeline").GetString());
        Assert.Equal("explicit", explicitFile.Json().GetProperty("defaultPipeline").GetString());
    }

    [Fact]
    public async Task Without_a_local_file_the_users_config_file_is_used()
    {
        var sandbox = Sandbox(MemoryOnly);
        File.Delete(sandbox.ConfigurationFile);
        var cli = sandbox.Cli;
        Directory.CreateDirectory(cli.UserConfigurationDirectory);
        string user = Path.Combine(cli.UserConfigurationDirectory, "plugins.json");
        File.WriteAllText(user, """{ "defaultPipeline": "user", "pipelines": { "user": { "chain": ["memory"] } } }""");

        var result = await cli.RunAsync("pipelines", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(user, result.Json().GetProperty("configuration").GetString());
        Assert.Equal("user", result.Json().GetProperty("defaultPipeline").GetString());
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task On_first_use_the_users_file_is_created_from_the_bundled_one_pointing_at_the_tools_plugins()
    {
        var sandbox = Sandbox(MemoryOnly);
        File.Delete(sandbox.ConfigurationFile);
        var cli = sandbox.Cli;
        WriteBundled(cli);
        string user = Path.Combine(cli.UserConfigurationDirectory, "plugins.json");
        string plugins = Path.Combine(cli.ToolDirectory, "plugins");

        var first = await cli.RunAsync("pipelines");
        var second = await cli.RunAsync("pipelines");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal($"Created {user} from the tool's bundled configuration (plugins from {plugins}).", first.Error.TrimEnd());
        Assert.Equal("bundled (default): memory", first.OutputLines[0]);
        var created = JsonNode.Parse(File.ReadAllText(user))!.AsObject();
        Assert.False(created.ContainsKey("$schema"));
        Assert.Equal([plugins], created["pluginDirectories"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal("bundled", created["defaultPipeline"]!.GetValue<string>());
        Assert.Equal(plugins, File.ReadAllText(user + ".bundled-plugins"));
        Assert.Equal("", second.Error);
        Assert.Equal(first.Output, second.Output);
    }

    [Fact]
    public async Task An_updated_tool_re_points_the_users_file_it_generated_and_says_so()
    {
        var sandbox = Sandbox(MemoryOnly);
        File.Delete(sandbox.ConfigurationFile);
        var cli = sandbox.Cli;
        WriteBundled(cli);
        string user = Path.Combine(cli.UserConfigurationDirectory, "plugins.json");
        string plugins = Path.Combine(cli.ToolDirectory, "plugins");
        string previous = sandbox.PathOf("old-tool/plugins");
        Directory.CreateDirectory(cli.UserConfigurationDirectory);
        File.WriteAllText(user, JsonSerializer.Serialize(new { pluginDirectories = new[] { "mine", previous }, defaultPipeline = "u", pipelines = new { u = new { chain = new[] { "memory" } } } }));
        File.WriteAllText(user + ".bundled-plugins", previous + "\n");

        var result = await cli.RunAsync("pipelines");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"Updated {user}: pluginDirectories now points at this version of the tool ({plugins}).", result.Error.TrimEnd());
        var updated = JsonNode.Parse(File.ReadAllText(user))!.AsObject();
        Assert.Equal(["mine", plugins], updated["pluginDirectories"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal("u", updated["defaultPipeline"]!.GetValue<string>());
        Assert.Equal(plugins, File.ReadAllText(user + ".bundled-plugins"));
    }

    [Theory]
    [InlineData("edited")]
    [InlineData("current")]
    [InlineData("no-marker")]
    [InlineData("no-directories")]
    public async Task The_users_file_is_left_alone_when_the_user_changed_it_or_it_is_current(string state)
    {
        var sandbox = Sandbox(MemoryOnly);
        File.Delete(sandbox.ConfigurationFile);
        var cli = sandbox.Cli;
        WriteBundled(cli);
        string user = Path.Combine(cli.UserConfigurationDirectory, "plugins.json");
        string plugins = Path.Combine(cli.ToolDirectory, "plugins");
        string previous = sandbox.PathOf("old-tool/plugins");
        Directory.CreateDirectory(cli.UserConfigurationDirectory);
        object directories = state switch
        {
            "edited" => new[] { sandbox.PathOf("my-plugins") },
            "current" => new[] { plugins },
            "no-directories" => "not an array",
            _ => new[] { previous },
        };
        string content = JsonSerializer.Serialize(new { pluginDirectories = directories, defaultPipeline = "u", pipelines = new { u = new { chain = new[] { "memory" } } } });
        File.WriteAllText(user, content);
        if (state != "no-marker")
        {
            File.WriteAllText(user + ".bundled-plugins", state == "current" ? plugins : previous);
        }

        var result = await cli.RunAsync("pipelines", "--json");

        Assert.Equal(user, result.Json().GetProperty("configuration").GetString());
        Assert.DoesNotContain("Updated", result.Error, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(user));
    }

    [Fact]
    public async Task A_users_file_that_is_not_json_after_an_update_is_reported_naming_it_and_left_alone()
    {
        var sandbox = Sandbox(MemoryOnly);
        File.Delete(sandbox.ConfigurationFile);
        var cli = sandbox.Cli;
        WriteBundled(cli);
        string user = Path.Combine(cli.UserConfigurationDirectory, "plugins.json");
        string previous = sandbox.PathOf("old-tool/plugins");
        Directory.CreateDirectory(cli.UserConfigurationDirectory);
        string broken = "{ \"pluginDirectories\": [" + JsonSerializer.Serialize(previous) + "], \"pipelines\": {";
        File.WriteAllText(user, broken);
        File.WriteAllText(user + ".bundled-plugins", previous);

        var result = await cli.RunAsync("pipelines");

        Assert.Equal(6, result.ExitCode);
        Assert.StartsWith($"error: The configuration file '{user}' is not valid JSON at line 1, column ", result.Error, StringComparison.Ordinal);
        Assert.Equal(broken, File.ReadAllText(user));
    }

    [Fact]
    public async Task An_update_re_points_the_tools_entry_among_entries_that_are_not_text()
    {
        var sandbox = Sandbox(MemoryOnly);
        File.Delete(sandbox.ConfigurationFile);
        var cli = sandbox.Cli;
        WriteBundled(cli);
        string user = Path.Combine(cli.UserConfigurationDirectory, "plugins.json");
        string previous = sandbox.PathOf("old-tool/plugins");
        Directory.CreateDirectory(cli.UserConfigurationDirectory);
        File.WriteAllText(user, JsonSerializer.Serialize(new { pluginDirectories = new object[] { 42, previous }, defaultPipeline = "u", pipelines = new { u = new { chain = new[] { "memory" } } } }));
        File.WriteAllText(user + ".bundled-plugins", previous);

        var result = await cli.RunAsync("pipelines");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"Updated {user}: ", result.Error, StringComparison.Ordinal);
        var directories = JsonNode.Parse(File.ReadAllText(user))!["pluginDirectories"]!.AsArray();
        Assert.Equal(42, directories[0]!.GetValue<int>());
        Assert.Equal(Path.Combine(cli.ToolDirectory, "plugins"), directories[1]!.GetValue<string>());
    }

    [Fact]
    public async Task An_empty_bundled_configuration_is_a_configuration_error()
    {
        var sandbox = Sandbox(MemoryOnly);
        File.Delete(sandbox.ConfigurationFile);
        var cli = sandbox.Cli;
        Directory.CreateDirectory(cli.ToolDirectory);
        File.WriteAllText(Path.Combine(cli.ToolDirectory, "plugins.json"), "null");

        var result = await cli.RunAsync("pipelines");

        Assert.Equal(6, result.ExitCode);
        Assert.Equal($"error: The tool's bundled configuration {Path.Combine(cli.ToolDirectory, "plugins.json")} is empty; reinstall the tool or pass --config.", result.Error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(cli.UserConfigurationDirectory, "plugins.json")));
    }

    [Fact]
    public async Task No_configuration_anywhere_exits_6_saying_where_it_looked()
    {
        var sandbox = Sandbox(MemoryOnly);
        File.Delete(sandbox.ConfigurationFile);
        var cli = sandbox.Cli;

        var result = await cli.RunAsync("ls");

        Assert.Equal(6, result.ExitCode);
        Assert.Equal(
            $"error: No plugins.json found: not in the current folder ({sandbox.Directory}) nor at {Path.Combine(cli.UserConfigurationDirectory, "plugins.json")}. Pass --config <path>, or run from a folder that has one (see docs/cli.md).",
            result.Error.TrimEnd());
    }

    [Fact]
    public async Task Commands_that_need_no_pipeline_never_look_for_a_configuration()
    {
        var sandbox = Sandbox(MemoryOnly);
        File.Delete(sandbox.ConfigurationFile);

        var result = await sandbox.Cli.RunAsync("cloud", "keys", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["id  tenant  permissions  created  state  description"], result.OutputLines);
    }

    private static void WriteBundled(InProcessCli cli)
    {
        Directory.CreateDirectory(cli.ToolDirectory);
        File.WriteAllText(Path.Combine(cli.ToolDirectory, "plugins.json"), """
            {
              "$schema": "./plugins.schema.json",
              "pluginDirectories": ["plugins"],
              "defaultPipeline": "bundled",
              "pipelines": { "bundled": { "chain": ["memory"] } }
            }
            """);
    }

    private Sandbox Sandbox(string configuration)
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
}
