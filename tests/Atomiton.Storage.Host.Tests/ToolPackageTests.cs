using System.Diagnostics;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests;

public sealed class ToolPackageTests : IDisposable
{
    private static readonly string[] BuildEnvironment = ["MSBUILD", "MSBuild", "VSTEST", "TESTINGPLATFORM", "DOTNET_HOST_PATH"];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "atomiton-cli-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Packed_tool_installs_and_runs_the_demo_with_its_bundled_plugins_and_configuration()
    {
        var (tool, home) = await InstallAsync();

        var help = await RunAsync(tool, home, "--help");
        var demo = await RunAsync(tool, home, "demo");

        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Contains("migrate", help.Output, StringComparison.Ordinal);
        Assert.True(demo.ExitCode == 0, demo.Output);
        Assert.Contains("identical to what was saved", demo.Output, StringComparison.Ordinal);
        Assert.Contains("filesystem", demo.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(home, ".config", "atomiton-storage", "plugins.json")));
    }

    [Fact]
    public async Task Updated_tool_repoints_the_generated_user_configuration_at_its_own_plugins()
    {
        var (tool, home) = await InstallAsync();
        string user = Path.Combine(home, ".config", "atomiton-storage", "plugins.json");
        Assert.Equal(0, (await RunAsync(tool, home, "pipelines")).ExitCode);
        string current = File.ReadAllText(user + ".bundled-plugins");
        string old = Path.Combine(_folder, "old-install", "plugins");
        File.WriteAllText(user, File.ReadAllText(user).Replace(System.Text.Json.JsonSerializer.Serialize(current)[1..^1], old.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal));
        File.WriteAllText(user + ".bundled-plugins", old);

        var plugins = await RunAsync(tool, home, "plugins");

        Assert.Equal(0, plugins.ExitCode);
        Assert.Contains("pluginDirectories now points at this version of the tool", plugins.Output, StringComparison.Ordinal);
        Assert.Contains("filesystem ", plugins.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(old, File.ReadAllText(user), StringComparison.Ordinal);
    }

    private async Task<(string Tool, string Home)> InstallAsync()
    {
        string project = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(BuildPaths.HostAssembly)!, "../../../Atomiton.Storage.Host.csproj"));
        string packages = Path.Combine(_folder, "packages");
        string tools = Path.Combine(_folder, "tools");
        string home = Path.Combine(_folder, "home");
        Directory.CreateDirectory(home);
        string configuration = new DirectoryInfo(Path.GetDirectoryName(BuildPaths.HostAssembly)!).Parent!.Name;
        var pack = await RunAsync("dotnet", _folder, "pack", project, "--no-build", "-c", configuration, "-o", packages);
        Assert.True(pack.ExitCode == 0, pack.Output);
        var install = await RunAsync("dotnet", _folder, "tool", "install", "--tool-path", tools, "--add-source", packages, "Atomiton.Storage.Host");
        Assert.True(install.ExitCode == 0, install.Output);
        return (Path.Combine(tools, OperatingSystem.IsWindows() ? "atomiton-storage.exe" : "atomiton-storage"), home);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string name in start.Environment.Keys.Where(n => BuildEnvironment.Any(p => n.StartsWith(p, StringComparison.Ordinal))).ToList())
        {
            start.Environment.Remove(name);
        }

        if (arguments is ["tool", "install", ..])
        {
            start.Environment["NUGET_PACKAGES"] = Path.Combine(workingDirectory, ".nuget-packages");
        }

        start.Environment["HOME"] = workingDirectory;
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(workingDirectory, ".config");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
