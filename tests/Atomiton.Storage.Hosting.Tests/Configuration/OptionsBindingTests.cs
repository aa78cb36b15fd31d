using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Hosting.Tests.Support;

namespace Atomiton.Storage.Hosting.Tests.Configuration;

/// <summary>Stage options are bound onto the provider's own options type, with secrets, paths and environment overrides resolved.</summary>
public sealed class OptionsBindingTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Options_are_bound_with_types_converted_and_relative_paths_resolved_against_the_file_folder()
    {
        using var host = TestHosts.Create(_temp, """
            { "stages": { "s": { "type": "probe", "options": { "size": 42, "ttl": "00:00:30", "mode": "Strict", "root": "data/store" } } },
              "pipelines": { "p": { "chain": ["s"] } } }
            """);

        await using var engine = (ProbeEngine)(await host.BuildPipelineAsync("p")).Bare();

        Assert.Equal(42, engine.Options.Size);
        Assert.Equal(TimeSpan.FromSeconds(30), engine.Options.Ttl);
        Assert.Equal(ProbeMode.Strict, engine.Options.Mode);
        Assert.Equal(_temp.Combine("data", "store"), engine.Options.Root);
        Assert.Equal("p", engine.Context.PipelineName);
        Assert.Equal("s", engine.Context.StageName);
        Assert.Equal(_temp.Path, engine.Context.BaseDirectory);
        Assert.Null(engine.Context.Inner);
    }

    [Fact]
    public async Task Secret_references_resolve_from_environment_variables_and_files()
    {
        string variable = "ATOMITON_TEST_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "from-env");
        Directory.CreateDirectory(_temp.Combine("secrets"));
        File.WriteAllText(_temp.Combine("secrets", "key.txt"), "from-file\n");
        try
        {
            using var host = TestHosts.Create(_temp, $$"""
                { "stages": {
                    "e": { "type": "probe", "options": { "apiKey": "env:{{variable}}" } },
                    "f": { "type": "probe", "options": { "apiKey": "file:secrets/key.txt" } } },
                  "pipelines": { "env": { "chain": ["e"] }, "file": { "chain": ["f"] } } }
                """);

            await using var fromEnv = (ProbeEngine)(await host.BuildPipelineAsync("env")).Bare();
            await using var fromFile = (ProbeEngine)(await host.BuildPipelineAsync("file")).Bare();

            Assert.Equal("from-env", fromEnv.Options.ApiKey);
            Assert.Equal("from-file", fromFile.Options.ApiKey);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_pipeline_that_is_not_built_does_not_need_its_secrets_but_validate_reports_every_missing_one()
    {
        string first = "ATOMITON_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        string second = "ATOMITON_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        using var host = TestHosts.Create(_temp, $$"""
            { "defaultPipeline": "local",
              "stages": {
                "a": { "type": "probe", "options": { "apiKey": "env:{{first}}" } },
                "b": { "type": "probe", "options": { "apiKey": "env:{{second}}" } } },
              "pipelines": { "local": { "chain": ["probe"] }, "one": { "chain": ["a"] }, "two": { "chain": ["probe-wrapper", "b"] } } }
            """);

        await using var engine = await host.BuildDefaultPipelineAsync();
        Assert.Equal("probe", engine.EngineType);
        Assert.Empty(host.ValidateForStartup());

        var problems = host.Validate();
        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.True(p.IsMissingSecret));
        Assert.Equal(
            [
                $"{_temp.Combine("plugins.json")}: $.stages.a.options.apiKey (pipeline 'one', stage 'a', option 'apiKey'): the environment variable '{first}' is not set. Set it, or reference a file with file:PATH.",
                $"{_temp.Combine("plugins.json")}: $.stages.b.options.apiKey (pipeline 'two', stage 'b', option 'apiKey'): the environment variable '{second}' is not set. Set it, or reference a file with file:PATH.",
            ],
            problems.Select(p => p.ToString()));
    }

    [Fact]
    public async Task Wrappers_are_built_over_the_engine_beneath_them_and_can_build_other_pipelines_by_name()
    {
        using var host = TestHosts.Create(_temp, """
            { "stages": { "w": { "type": "probe-wrapper", "options": { "alsoBuild": "other" } }, "s": { "type": "probe", "options": { "size": 3 } } },
              "pipelines": { "p": { "chain": ["w", "s"] }, "other": { "chain": ["probe"] } } }
            """);

        await using var engine = (ProbeWrapperEngine)(await host.BuildPipelineAsync("p")).Bare();

        var inner = Assert.IsType<ProbeEngine>(engine.Inner.Bare());
        Assert.Equal(3, inner.Options.Size);
        var other = Assert.IsType<ProbeEngine>(engine.Other!.Bare());
        Assert.Equal("other", other.Context.PipelineName);
    }

    [Fact]
    public async Task When_a_wrapper_fails_to_build_the_engines_beneath_it_are_disposed_and_the_error_names_the_stage()
    {
        string tag = Guid.NewGuid().ToString("N");
        using var host = TestHosts.Create(_temp, $$"""
            { "stages": { "w": { "type": "probe-wrapper", "options": { "fail": true } }, "s": { "type": "probe", "options": { "tag": "{{tag}}" } } },
              "pipelines": { "p": { "chain": ["w", "probe-wrapper", "s"] } } }
            """);

        var error = await Assert.ThrowsAsync<StorageException>(() => host.BuildPipelineAsync("p").AsTask());

        Assert.Equal(
            $"{_temp.Combine("plugins.json")}: $.stages.w (pipeline 'p', stage 'w'): provider 'probe-wrapper' (the built-in (Atomiton.Storage.Hosting.Tests) provider) threw InvalidOperationException while building the engine: probe-wrapper was told to fail",
            error.Message);
        Assert.True(ProbeEngine.Built[tag].Disposed);
    }

    [Fact]
    public async Task Provider_refusing_with_a_storage_error_keeps_its_code_and_transience_and_the_error_is_located()
    {
        string tag = Guid.NewGuid().ToString("N");
        using var host = TestHosts.Create(_temp, $$"""
            { "stages": { "w": { "type": "probe-wrapper", "options": { "failWith": "AuthenticationFailed" } }, "s": { "type": "probe", "options": { "tag": "{{tag}}" } } },
              "pipelines": { "p": { "chain": ["w", "s"] } } }
            """);

        var error = await Assert.ThrowsAsync<StorageException>(() => host.BuildPipelineAsync("p").AsTask());

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.True(error.IsTransient);
        Assert.Equal("probe-wrapper", error.Provider);
        Assert.Equal(
            $"{_temp.Combine("plugins.json")}: $.stages.w (pipeline 'p', stage 'w'): provider 'probe-wrapper' (the built-in (Atomiton.Storage.Hosting.Tests) provider) could not build the engine: the service behind probe-wrapper refused the connection.",
            error.Message);
        Assert.IsType<StorageException>(error.InnerException);
        Assert.True(ProbeEngine.Built[tag].Disposed);
    }

    [Fact]
    public async Task Cancelled_build_throws_cancellation_not_a_configuration_error_and_disposes_what_was_built()
    {
        string tag = Guid.NewGuid().ToString("N");
        using var host = TestHosts.Create(_temp, $$"""
            { "stages": { "s": { "type": "probe", "options": { "tag": "{{tag}}" } } },
              "pipelines": { "p": { "chain": ["probe-wrapper", "s"] } } }
            """);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.BuildPipelineAsync("p", cancellation.Token).AsTask());

        Assert.True(ProbeEngine.Built[tag].Disposed);
    }
}
