using System.Text.RegularExpressions;

namespace Atomiton.Storage.Template.Tests;

/// <summary>
/// A fresh copy of the clone (the repository's tracked and untracked, not ignored, files) in a temp folder, an
/// isolated template hive and an isolated NuGet package folder, and the quick start of docs/writing-a-plugin.md run
/// there once, verbatim: it packs the contract, the kit and the template into the copy's local feed, installs the
/// template, generates Acme.Storage.Demo beside the copy and runs its tests. The other tests generate from the
/// template it installed.
/// </summary>
public sealed class TemplateFeedFixture : IAsyncLifetime
{
    /// <summary>A hang guard, not a speed check: CI is a shared, slow box.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(15);

    private readonly Lazy<Task<QuickStartRun>> _quickStart;

    public TemplateFeedFixture() => _quickStart = new(RunQuickStartAsync);

    public string RepositoryRoot { get; } = FindRepositoryRoot();

    public string WorkRoot { get; } = Path.Combine(Path.GetTempPath(), "atomiton-template-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The copy of the clone the documented commands run in.</summary>
    public string Clone => Path.Combine(WorkRoot, "clone");

    public string Feed => Path.Combine(Clone, "artifacts", "local-feed");

    public string Hive => Path.Combine(WorkRoot, "hive");

    public string NuGetPackages => Path.Combine(WorkRoot, "nuget-packages");

    public Dictionary<string, string> Environment => new() { ["NUGET_PACKAGES"] = NuGetPackages, ["ATOMITON_TEST_HIVE"] = Hive };

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(NuGetPackages);
        return CopyCloneAsync();
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(WorkRoot, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }

        return Task.CompletedTask;
    }

    /// <summary>The quick start's run (once per test class).</summary>
    public Task<QuickStartRun> QuickStartAsync() => _quickStart.Value;

    /// <summary>Extracts the commands of a code block of a doc, marked by an HTML comment that starts with <paramref name="marker"/>.</summary>
    public string[] DocumentedCommands(string doc, string marker)
    {
        string text = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", doc));
        var match = Regex.Match(text, "<!-- " + Regex.Escape(marker) + "[^\\n]*-->\\s*```bash\\n(?<body>.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, $"docs/{doc} has no ```bash block after a '<!-- {marker}' comment");
        return match.Groups["body"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>
    /// Runs documented commands verbatim with bash, stopping at the first that fails. The only addition is that
    /// `dotnet new` uses this run's template hive, so the machine's templates are neither used nor changed.
    /// </summary>
    public Task<ProcessResult> RunDocumentedAsync(string workingDirectory, IEnumerable<string> commands)
    {
        string script = string.Join('\n',
        [
            "set -euo pipefail",
            """dotnet() { if [ "${1:-}" = new ]; then shift; command dotnet new "$@" --debug:custom-hive "$ATOMITON_TEST_HIVE"; else command dotnet "$@"; fi; }""",
            "set -x",
            .. commands,
        ]);
        return ProcessRunner.RunAsync("bash", ["-c", script], workingDirectory, StepTimeout, Environment);
    }

    /// <summary>Generates a project from the installed template into a new folder (the template's own defaults give the feed and version).</summary>
    public async Task<string> GenerateAsync(string name, params string[] options)
    {
        (await QuickStartAsync()).Result.EnsureSuccess("the documented quick start");
        var output = Path.Combine(WorkRoot, "gen-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(output);
        (await DotnetAsync(output, ["new", "atomiton-storage-provider", "-n", name, "--debug:custom-hive", Hive, .. options]))
            .EnsureSuccess("dotnet new atomiton-storage-provider");
        return Path.Combine(output, name);
    }

    public Task<ProcessResult> DotnetAsync(string workingDirectory, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", arguments, workingDirectory, StepTimeout, Environment);

    private async Task<QuickStartRun> RunQuickStartAsync()
    {
        var commands = DocumentedCommands("writing-a-plugin.md", "quick-start:");
        var result = await RunDocumentedAsync(Clone, commands);
        string versionFile = Path.Combine(Feed, "version.txt");
        string? version = File.Exists(versionFile) ? (await File.ReadAllTextAsync(versionFile)).Trim() : null;
        return new QuickStartRun(commands, result, Path.Combine(WorkRoot, "Acme.Storage.Demo"), version);
    }

    private async Task CopyCloneAsync()
    {
        var files = (await ProcessRunner.RunAsync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], RepositoryRoot, StepTimeout))
            .EnsureSuccess("git ls-files (the test copies the clone's files)")
            .Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var relative in files)
        {
            string source = Path.Combine(RepositoryRoot, relative);
            if (!File.Exists(source))
            {
                continue; // deleted in the working tree
            }

            string destination = Path.Combine(Clone, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(source, destination);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(destination, File.GetUnixFileMode(source));
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Atomiton.Storage.Plugins.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Could not find the repository root (Atomiton.Storage.Plugins.sln) above " + AppContext.BaseDirectory);
    }
}

/// <summary>The documented quick start's commands, their run, the generated solution and the version the pack used.</summary>
public sealed record QuickStartRun(string[] Commands, ProcessResult Result, string Solution, string? PackageVersion);
