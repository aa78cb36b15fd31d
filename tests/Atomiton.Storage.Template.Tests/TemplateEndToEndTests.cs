namespace Atomiton.Storage.Template.Tests;

/// <summary>
/// dotnet new → build → the generated conformance tests pass → the built plugin folder, dropped into a
/// host's plugin directory, is listed by the host and serves a `cached → acme` pipeline.
/// </summary>
public sealed class TemplateEndToEndTests(TemplateFeedFixture feed) : IClassFixture<TemplateFeedFixture>
{
    [Fact]
    public async Task Generated_plugin_builds_without_warnings_passes_the_kit_and_loads_in_the_host()
    {
        var solution = await feed.GenerateAsync("Acme.Storage.Demo", "-k", "acme");
        Assert.True(File.Exists(Path.Combine(solution, "Acme.Storage.Demo", "DemoEngine.cs")), "the engine class file is named after the project");

        var build = (await feed.DotnetAsync(solution, "build", "Acme.Storage.Demo.Tests/Acme.Storage.Demo.Tests.csproj", "-nologo", "-clp:Summary"))
            .EnsureSuccess("dotnet build of the generated projects");
        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);

        var test = (await feed.DotnetAsync(solution, "test", "Acme.Storage.Demo.Tests/Acme.Storage.Demo.Tests.csproj", "--no-build", "-nologo"))
            .EnsureSuccess("dotnet test of the generated conformance tests");
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+[1-9]\d+", test.Output);

        var host = new HostHarness(feed.RepositoryRoot, feed.WorkRoot);
        host.InstallPlugin(Path.Combine(solution, "artifacts", "plugins", "Acme.Storage.Demo"));
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
    public async Task Without_tests_only_the_plugin_project_is_generated_and_it_builds()
    {
        var solution = await feed.GenerateAsync("Acme.Storage.NoTests", "-k", "acme-lite", "--include-tests", "false");
        Assert.False(Directory.Exists(Path.Combine(solution, "Acme.Storage.NoTests.Tests")));

        var build = (await feed.DotnetAsync(solution, "build", "Acme.Storage.NoTests/Acme.Storage.NoTests.csproj", "-nologo", "-clp:Summary"))
            .EnsureSuccess("dotnet build without tests");
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
}
