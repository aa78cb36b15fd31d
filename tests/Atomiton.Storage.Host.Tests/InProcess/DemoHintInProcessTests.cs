using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.InProcess;

/// <summary>The demo's closing hint is a command that runs from where the demo was started: from a clone, or installed as a tool.</summary>
public sealed class DemoHintInProcessTests : IDisposable
{
    private const string HintPrefix = "Done. Look at it yourself: ";

    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task From_a_clone_the_hint_uses_dotnet_run_with_the_project_and_its_commands_run()
    {
        // The sandbox is the clone: the tool runs from the build output beside its project.
        string project = _sandbox.PathOf("host/Atomiton.Storage.Host");
        string output = Path.Combine(project, "bin", "Debug", "net10.0");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(project, "Atomiton.Storage.Host.csproj"), "<Project />");
        var cli = _sandbox.Cli with { ToolDirectory = output, ProcessPath = Path.Combine(output, "Atomiton.Storage.Host") };

        var demo = await cli.RunAsync("demo");

        Assert.Equal(0, demo.ExitCode);
        string hint = demo.OutputLines[^1];
        const string Tool = "dotnet run --project host/Atomiton.Storage.Host --";
        Assert.Equal($"{HintPrefix}{Tool} ls demo/ --recursive --long; {Tool} get demo/flows/hello-flow.json", hint);
        var commands = hint[HintPrefix.Length..].Split("; ");
        var listed = await cli.RunAsync(Arguments(commands[0], Tool));
        var got = await cli.RunAsync(Arguments(commands[1], Tool));
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("demo/flows/hello-flow.json", listed.Output, StringComparison.Ordinal);
        Assert.Equal(0, got.ExitCode);
        Assert.Contains("hello-flow", got.StandardOutputText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Installed_as_a_tool_off_the_path_the_hint_names_the_launcher_by_its_path()
    {
        var cli = _sandbox.Cli with { ProcessPath = _sandbox.PathOf("tools/atomiton-storage"), SearchPath = "/usr/bin" };

        var demo = await cli.RunAsync("demo", "--pipeline", "archive");

        Assert.Equal(0, demo.ExitCode);
        Assert.Equal($"{HintPrefix}./tools/atomiton-storage --pipeline archive ls demo/ --recursive --long; ./tools/atomiton-storage --pipeline archive get demo/flows/hello-flow.json", demo.OutputLines[^1]);
    }

    [Fact]
    public async Task Installed_as_a_tool_on_the_path_the_hint_names_the_tool()
    {
        var cli = _sandbox.Cli with { ProcessPath = _sandbox.PathOf("tools/atomiton-storage"), SearchPath = "/usr/bin" + Path.PathSeparator + _sandbox.PathOf("tools") };

        var demo = await cli.RunAsync("demo");

        Assert.Equal(0, demo.ExitCode);
        Assert.Equal($"{HintPrefix}atomiton-storage ls demo/ --recursive --long; atomiton-storage get demo/flows/hello-flow.json", demo.OutputLines[^1]);
    }

    private static string[] Arguments(string command, string tool)
    {
        Assert.StartsWith(tool + " ", command, StringComparison.Ordinal);
        return command[(tool.Length + 1)..].Split(' ');
    }
}
