using Xunit.Abstractions;

namespace Atomiton.Storage.Template.Tests;

/// <summary>
/// The quick start of docs/writing-a-plugin.md, run verbatim from a copy of the clone: pack → install → generate →
/// the generated conformance tests pass; the built plugin folder, dropped into a host's plugin directory, is listed
/// by the host and serves a `cached → acme` pipeline; the template's other shapes; publishing for one platform.
/// </summary>
public sealed class TemplateEndToEndTests(TemplateFeedFixture feed, ITestOutputHelper output) : IClassFixture<TemplateFeedFixture>
{
    [Fact]
    public async Task The_documented_quick_start_runs_verbatim_from_a_clone_and_the_kit_passes_without_warnings()
    {
        var run = await feed.QuickStartAsync();

        run.Result.EnsureSuccess("the quick start of docs/writing-a-plugin.md:\n  " + string.Join("\n  ", run.Commands));
        Assert.Contains(run.Commands, command => command.Contains("eng/pack-local.sh", StringComparison.Ordinal));
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+[1-9]\d+", run.Result.Output);
        Assert.DoesNotMatch(@": warning [A-Z]+\d+", run.Result.Output);
        Assert.Matches(@"^2\.0\.0-local\.\d{14}\.\d+\.\d+$", run.PackageVersion);

        Assert.True(File.Exists(Path.Combine(run.Solution, "Acme.Storage.Demo.sln")), "the template generates a solution file");
        Assert.True(File.Exists(Path.Combine(run.Solution, "Acme.Storage.Demo", "DemoEngine.cs")), "the engine class file is named after the project");
        Assert.Contains($"value=\"{feed.Feed}\"", await File.ReadAllTextAsync(Path.Combine(run.Solution, "nuget.config")), StringComparison.Ordinal);
        Assert.Contains($"Version=\"{run.PackageVersion}\"", await File.ReadAllTextAsync(Path.Combine(run.Solution, "Directory.Packages.props")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(feed.NuGetPackages, "atomiton.storage.abstractions", run.PackageVersion!, "atomiton.storage.abstractions.nuspec")),
            "the contract was restored from this run's feed into this run's package folder");
    }

    [Fact]
    public async Task A_second_pack_gets_a_new_version_and_a_generated_project_uses_it_not_the_cached_one()
    {
        var first = await feed.QuickStartAsync();
        first.Result.EnsureSuccess("the documented quick start");

        (await feed.RunDocumentedAsync(feed.Clone, feed.DocumentedCommands("writing-a-plugin.md", "quick-start:").Take(2))).EnsureSuccess("pack and install again");
        string second = (await File.ReadAllTextAsync(Path.Combine(feed.Feed, "version.txt"))).Trim();

        Assert.NotEqual(first.PackageVersion, second);
        Assert.Single(Directory.GetFiles(feed.Feed, "Atomiton.Storage.Templates.*.nupkg"));
        var solution = await feed.GenerateAsync("Acme.Storage.Again", "-k", "again", "--include-tests", "false");
        Assert.Contains($"Version=\"{second}\"", await File.ReadAllTextAsync(Path.Combine(solution, "Directory.Packages.props")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_quick_start_plugin_loads_in_the_host_and_serves_a_pipeline()
    {
        var run = await feed.QuickStartAsync();
        run.Result.EnsureSuccess("the documented quick start");

        var host = new HostHarness(feed.RepositoryRoot, feed.WorkRoot);
        host.InstallPlugin(Path.Combine(run.Solution, "artifacts", "plugins", "Acme.Storage.Demo"));
        host.WriteConfig("""
            {
              "pluginDirectories": ["plugins"],
              "defaultPipeline": "demo",
              "stages": { "acme-store": { "type": "acme", "options": { "maxBytes": 1048576 } } },
              "pipelines": { "demo": { "chain": ["cached", "acme-store"] } }
            }
            """);

        var plugins = (await host.RunAsync("plugins")).EnsureSuccess("atomiton-storage plugins");
        Assert.Contains("acme", plugins.Output, StringComparison.Ordinal);
        Assert.Contains("Acme.Storage.Demo", plugins.Output, StringComparison.Ordinal);

        // One host process saves, lists and loads through cached → acme (the acme engine is in-memory).
        var demo = (await host.RunAsync("demo")).EnsureSuccess("atomiton-storage demo through cached → acme");
        Assert.Contains("acme", demo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_generated_engine_that_declares_Persistent_is_held_to_bounded_memory_on_save()
    {
        // The starting engine buffers a save in memory; once it declares Persistent (as a real backend does),
        // the generated test must let the kit bound the save — and this engine must then fail that case.
        var solution = await feed.GenerateAsync("Acme.Storage.Bounded", "-k", "bounded");
        string engine = Path.Combine(solution, "Acme.Storage.Bounded", "BoundedEngine.cs");
        string code = await File.ReadAllTextAsync(engine);
        Assert.Contains("Capabilities => StorageCapabilities.Standard;", code, StringComparison.Ordinal);
        await File.WriteAllTextAsync(engine, code.Replace("Capabilities => StorageCapabilities.Standard;", "Capabilities => StorageCapabilities.Standard | StorageCapabilities.Persistent;", StringComparison.Ordinal));

        var test = await feed.DotnetAsync(solution, "test", "--filter", "FullyQualifiedName~Large_object_round_trips_in_bounded_memory", "-nologo");

        Assert.NotEqual(0, test.ExitCode);
        Assert.Contains("Saving a", test.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_tests_only_the_plugin_project_and_its_solution_are_generated_and_it_builds()
    {
        var solution = await feed.GenerateAsync("Acme.Storage.NoTests", "-k", "acme-lite", "--include-tests", "false");
        Assert.False(Directory.Exists(Path.Combine(solution, "Acme.Storage.NoTests.Tests")));
        Assert.DoesNotContain("NoTests.Tests", await File.ReadAllTextAsync(Path.Combine(solution, "Acme.Storage.NoTests.sln")), StringComparison.Ordinal);

        var build = (await feed.DotnetAsync(solution, "build", "-nologo", "-clp:Summary")).EnsureSuccess("dotnet build without tests");
        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(solution, "artifacts", "plugins", "Acme.Storage.NoTests", "Acme.Storage.NoTests.dll")));
        Assert.False(File.Exists(Path.Combine(solution, "artifacts", "plugins", "Acme.Storage.NoTests", "Atomiton.Storage.Abstractions.dll")), "the contract is shared by the host, never shipped");
        Assert.Contains("\"acme-lite\"", await File.ReadAllTextAsync(Path.Combine(solution, "Acme.Storage.NoTests", "NoTestsProvider.cs")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_with_dots_and_digits_gives_valid_identifiers()
    {
        var solution = await feed.GenerateAsync("Contoso9.Storage.2Drive", "-k", "drive2", "--include-tests", "false");
        var project = Path.Combine(solution, "Contoso9.Storage.2Drive");
        Assert.True(File.Exists(Path.Combine(project, "P2DriveEngine.cs")), "a class name cannot start with a digit");
        Assert.Contains("namespace Contoso9.Storage.P2Drive;", await File.ReadAllTextAsync(Path.Combine(project, "P2DriveEngine.cs")), StringComparison.Ordinal);

        var build = (await feed.DotnetAsync(solution, "build", "Contoso9.Storage.2Drive/Contoso9.Storage.2Drive.csproj", "-nologo", "-clp:Summary"))
            .EnsureSuccess("dotnet build of a dotted, digit-bearing name");
        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_for_one_runtime_lays_out_a_plugin_folder_with_only_that_platforms_native_binaries()
    {
        // A plugin with native dependencies, as a SQLite-backed one: every platform's binaries in the build's folder.
        var solution = await feed.GenerateAsync("Acme.Storage.Lite", "-k", "lite", "--include-tests", "false");
        string packages = Path.Combine(solution, "Directory.Packages.props");
        await File.WriteAllTextAsync(packages, (await File.ReadAllTextAsync(packages)).Replace(
            "  </ItemGroup>", "    <PackageVersion Include=\"Microsoft.Data.Sqlite\" Version=\"10.0.0\" />\n  </ItemGroup>", StringComparison.Ordinal));
        string project = Path.Combine(solution, "Acme.Storage.Lite", "Acme.Storage.Lite.csproj");
        await File.WriteAllTextAsync(project, (await File.ReadAllTextAsync(project)).Replace(
            "</Project>", "  <ItemGroup>\n    <PackageReference Include=\"Microsoft.Data.Sqlite\" />\n  </ItemGroup>\n</Project>", StringComparison.Ordinal));
        (await feed.DotnetAsync(solution, "build", "-nologo")).EnsureSuccess("dotnet build with a native dependency");
        string built = Path.Combine(solution, "artifacts", "plugins", "Acme.Storage.Lite");
        int builtPlatforms = Directory.GetDirectories(Path.Combine(built, "runtimes")).Length;

        // The documented command, verbatim but for the project's name.
        var publish = feed.DocumentedCommands("writing-a-plugin.md", "publish-one-runtime:").Select(c => c.Replace("Acme.Storage.Demo", "Acme.Storage.Lite", StringComparison.Ordinal));
        (await feed.RunDocumentedAsync(solution, publish)).EnsureSuccess("the documented publish for one runtime");

        string published = Path.Combine(solution, "artifacts", "publish", "linux-x64", "Acme.Storage.Lite");
        Assert.True(File.Exists(Path.Combine(published, "Acme.Storage.Lite.dll")), "the published folder is named after the main assembly");
        Assert.True(File.Exists(Path.Combine(published, "libe_sqlite3.so")), "the linux-x64 native library is in the folder");
        Assert.False(Directory.Exists(Path.Combine(published, "runtimes")), "no other platform's binaries");
        Assert.False(File.Exists(Path.Combine(published, "Atomiton.Storage.Abstractions.dll")), "the contract is shared by the host, never shipped");
        long builtBytes = FolderBytes(built);
        long publishedBytes = FolderBytes(published);
        output.WriteLine($"build folder: {builtBytes / 1024} KiB with {builtPlatforms} platforms under runtimes/; published for linux-x64: {publishedBytes / 1024} KiB");
        Assert.True(builtPlatforms > 1, $"the build folder holds {builtPlatforms} platforms");
        Assert.True(publishedBytes < builtBytes / 2, $"published {publishedBytes} bytes, built {builtBytes}");

        var host = new HostHarness(feed.RepositoryRoot, feed.WorkRoot);
        host.InstallPlugin(published);
        host.WriteConfig("""
            {
              "pluginDirectories": ["plugins"],
              "defaultPipeline": "p",
              "stages": { "s": { "type": "lite" } },
              "pipelines": { "p": { "chain": ["s"] } }
            }
            """);
        var plugins = (await host.RunAsync("plugins")).EnsureSuccess("atomiton-storage plugins with the published folder");
        Assert.Contains("lite", plugins.Output, StringComparison.Ordinal);
    }

    private static long FolderBytes(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Sum(file => new FileInfo(file).Length);
}
