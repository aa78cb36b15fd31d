using System.Net;
using System.Net.Sockets;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.InProcess;

/// <summary>Messages an operator meets when something is off: each names the cause as the operator gave it, and what to do.</summary>
public sealed class OperatorErrorsInProcessTests : IDisposable
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
    public async Task Get_into_a_missing_folder_names_the_folder_and_writes_nothing()
    {
        var sandbox = await SeededAsync();

        var result = await sandbox.Cli.RunAsync("get", "k.txt", "./nodir/out.json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("error: The folder of './nodir/out.json' does not exist; create it first (mkdir -p ./nodir) or name a file in an existing folder.", result.Error.TrimEnd());
        Assert.DoesNotContain("atomiton-partial", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_into_a_folder_asks_for_a_file_name()
    {
        var sandbox = await SeededAsync();

        var result = await sandbox.Cli.RunAsync("get", "k.txt", "./");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: './' is a folder; name the file to write", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(sandbox.Directory, "*.atomiton-partial"));
    }

    [Fact]
    public async Task Put_of_a_folder_says_it_is_a_folder_not_that_it_does_not_exist()
    {
        var sandbox = await SeededAsync();

        var result = await sandbox.Cli.RunAsync("put", "k2.txt", "./");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: Input './' is a folder; put stores one file. Name a file in it, or use '-' to read standard input.", result.Error.TrimEnd());
    }

    [Fact]
    public async Task An_unknown_command_is_named_first_with_the_closest_command()
    {
        var sandbox = Sandbox(Support.Sandbox.DefaultConfiguration());

        var result = await sandbox.Cli.RunAsync("pipline");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: unknown command 'pipline' for atomiton-storage. Did you mean 'pipelines'? Commands: demo, plugins, pipelines, ", result.ErrorLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Required command", result.Error, StringComparison.Ordinal);
        Assert.Equal("Run 'atomiton-storage --help' for usage.", result.ErrorLines[^1]);
    }

    [Fact]
    public async Task A_configuration_without_pipelines_says_so_instead_of_listing_none()
    {
        var sandbox = Sandbox("""{ "stages": {} }""");

        var result = await sandbox.Cli.RunAsync("ls");

        Assert.Equal(6, result.ExitCode);
        Assert.Equal("error: plugins.json declares no pipelines; declare one under pipelines, such as \"pipelines\": { \"local\": { \"chain\": [\"memory\"] } } (see docs/plugins-json.md).", result.Error.TrimEnd());
    }

    [Fact]
    public async Task An_undeclared_default_pipeline_is_located_at_defaultPipeline()
    {
        var sandbox = Sandbox("""{ "defaultPipeline": "main", "pipelines": { "mem": { "chain": ["memory"] } } }""");

        var result = await sandbox.Cli.RunAsync("ls");

        Assert.Equal(6, result.ExitCode);
        Assert.Equal("error: plugins.json: $.defaultPipeline (pipeline 'main'): the default pipeline 'main' is not declared under pipelines. Declared pipelines: mem.", result.Error.TrimEnd());
    }

    [Fact]
    public async Task Info_and_pipelines_give_capabilities_in_one_shape_an_array_of_flag_names()
    {
        var sandbox = Sandbox("""{ "defaultPipeline": "mem", "pipelines": { "mem": { "chain": ["memory"] } } }""");

        var info = (await sandbox.Cli.RunAsync("info", "--json")).Json().GetProperty("info").GetProperty("capabilities");
        var pipelines = (await sandbox.Cli.RunAsync("pipelines", "--json")).Json().GetProperty("pipelines")[0].GetProperty("capabilities");

        Assert.Equal(System.Text.Json.JsonValueKind.Array, info.ValueKind);
        Assert.Equal(pipelines.EnumerateArray().Select(c => c.GetString()), info.EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("Read", info.EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Pipelines_lists_a_pipeline_whose_server_does_not_answer_as_not_checked_after_its_timeout()
    {
        // A port nobody listens on, and retries that would wait ten minutes: only the timeout ends the probe.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var sandbox = Sandbox($$"""
            {
              "pluginDirectories": [{{Support.Sandbox.PluginDirectoryJson}}],
              "defaultPipeline": "mem",
              "stages": { "cloud": { "type": "cloud", "options": { "endpoint": "http://127.0.0.1:{{port}}/", "apiKey": "file:key.txt", "maxRetries": 50, "retryDelay": "00:10:00" } } },
              "pipelines": { "mem": { "chain": ["memory"] }, "remote": { "chain": ["cloud"] } }
            }
            """);
        File.WriteAllText(sandbox.PathOf("key.txt"), "ak_test");
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var text = await sandbox.Cli.RunAsync(new CliConsole(), hangGuard.Token, "pipelines", "--timeout", "1");
        var json = await sandbox.Cli.RunAsync(new CliConsole(), hangGuard.Token, "pipelines", "--timeout", "1", "--json");

        Assert.Equal(0, text.ExitCode);
        int remote = Array.IndexOf(text.OutputLines, "remote: cloud");
        Assert.StartsWith("  not checked: not built within 1 s (a stage's server may be down or slow).", text.OutputLines[remote + 1], StringComparison.Ordinal);
        var pipelines = json.Json().GetProperty("pipelines").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal("not checked", pipelines["remote"].GetProperty("status").GetString());
        Assert.Equal("available", pipelines["mem"].GetProperty("status").GetString());
    }

    private async Task<Sandbox> SeededAsync()
    {
        var sandbox = Sandbox(Support.Sandbox.DefaultConfiguration());
        var (host, engine) = await sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            await engine.SaveAsync("k.txt", "content"u8.ToArray());
        }

        return sandbox;
    }

    private Sandbox Sandbox(string configuration)
    {
        var sandbox = new Support.Sandbox(configuration);
        _sandboxes.Add(sandbox);
        return sandbox;
    }
}
