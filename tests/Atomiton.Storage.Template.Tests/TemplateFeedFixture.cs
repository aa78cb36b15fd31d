using System.Globalization;

namespace Atomiton.Storage.Template.Tests;

/// <summary>
/// Packs the contract, the conformance kit and the template into a fresh local feed under a version
/// unique to this run (so no stale package from the NuGet cache is used), and installs the template
/// into an isolated template hive.
/// </summary>
public sealed class TemplateFeedFixture : IAsyncLifetime
{
    public string RepositoryRoot { get; } = FindRepositoryRoot();

    public string WorkRoot { get; } = Path.Combine(Path.GetTempPath(), "atomiton-template-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public string Feed => Path.Combine(WorkRoot, "feed");

    public string Hive => Path.Combine(WorkRoot, "hive");

    public string PackageVersion { get; } = "1.0.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    public static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(8);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        foreach (var project in new[] { "core/Atomiton.Storage.Abstractions", "core/Atomiton.Storage.Testing", "plugin-template" })
        {
            // Build into this run's own folder: the repository's bin/obj stay untouched while other tests run.
            (await DotnetAsync(RepositoryRoot, "pack", Path.Combine(RepositoryRoot, project), "-o", Feed, "-p:Version=" + PackageVersion,
                "-p:UseArtifactsOutput=true", "-p:ArtifactsPath=" + Path.Combine(WorkRoot, "build"), "-nologo"))
                .EnsureSuccess($"dotnet pack {project}");
        }

        (await DotnetAsync(WorkRoot, "new", "install", Path.Combine(Feed, $"Atomiton.Storage.Templates.{PackageVersion}.nupkg"), "--debug:custom-hive", Hive))
            .EnsureSuccess("dotnet new install");
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

        return Task.CompletedTask;
    }

    /// <summary>Generates a project from the template into a new folder and adds a nuget.config pointing at the local feed.</summary>
    public async Task<string> GenerateAsync(string name, params string[] options)
    {
        var output = Path.Combine(WorkRoot, "gen-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(output);
        (await DotnetAsync(output, ["new", "atomiton-storage-provider", "-n", name, "--atomiton-version", PackageVersion, "--debug:custom-hive", Hive, .. options]))
            .EnsureSuccess("dotnet new atomiton-storage-provider");
        var solution = Path.Combine(output, name);
        await File.WriteAllTextAsync(Path.Combine(solution, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="atomiton-local" value="{Feed}" />
              </packageSources>
            </configuration>
            """);
        return solution;
    }

    public Task<ProcessResult> DotnetAsync(string workingDirectory, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", arguments, workingDirectory, StepTimeout);

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
