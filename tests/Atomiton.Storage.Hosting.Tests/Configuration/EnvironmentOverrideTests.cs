using Atomiton.Storage.Hosting.Configuration;
using Microsoft.Extensions.Configuration;
using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Hosting.Tests.Support;

namespace Atomiton.Storage.Hosting.Tests.Configuration;

/// <summary>
/// Sets ATOMITON__ variables, which every host created meanwhile would read: runs alone, so the
/// exact messages of other tests (listing declared stages) never see its stage.
/// </summary>
[Collection(ProcessEnvironmentGroup.Name)]
public sealed class EnvironmentOverrideTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Environment_variables_override_the_file()
    {
        string stage = "s" + Guid.NewGuid().ToString("N");
        string variable = $"ATOMITON__STAGES__{stage.ToUpperInvariant()}__OPTIONS__SIZE";
        Environment.SetEnvironmentVariable(variable, "77");
        try
        {
            using var host = TestHosts.Create(_temp, $$"""
                { "stages": { "{{stage}}": { "type": "probe", "options": { "size": 5 } } }, "pipelines": { "p": { "chain": ["{{stage}}"] } } }
                """);

            await using var engine = (ProbeEngine)(await host.BuildPipelineAsync("p")).Bare();

            Assert.Equal(77, engine.Options.Size);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_pipeline_can_be_declared_by_one_environment_variable_whose_chain_is_a_single_stage()
    {
        // A variable holds one value, never an array: the reader takes a chain that is a single string.
        string pipeline = "p" + Guid.NewGuid().ToString("N");
        string variable = $"ATOMITON__PIPELINES__{pipeline.ToUpperInvariant()}__CHAIN";
        Environment.SetEnvironmentVariable(variable, "s");
        try
        {
            using var host = TestHosts.Create(_temp, """
                { "stages": { "s": { "type": "probe", "options": { "size": 9 } } }, "pipelines": { "p": { "chain": ["probe"] } } }
                """);

            Assert.Empty(host.Validate(pipeline));
            await using var engine = (ProbeEngine)(await host.BuildPipelineAsync(pipeline)).Bare();

            Assert.Equal(9, engine.Options.Size);
            Assert.Equal("s", engine.Context.StageName);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }
    [Fact]
    public async Task An_environment_variable_replaces_a_chain_that_plugins_json_writes_as_a_list()
    {
        // The file's list and the variable's single value both reach configuration; the variable is
        // of higher precedence, so it replaces the whole list rather than being silently ignored.
        string variable = "ATOMITON__PIPELINES__P__CHAIN";
        Environment.SetEnvironmentVariable(variable, "s");
        try
        {
            using var host = TestHosts.Create(_temp, """
                { "stages": { "s": { "type": "probe", "options": { "size": 9 } } }, "pipelines": { "p": { "chain": ["probe", "probe"] } } }
                """);

            Assert.Empty(host.Validate("p"));
            await using var engine = (ProbeEngine)(await host.BuildPipelineAsync("p")).Bare();

            Assert.Equal("s", engine.Context.StageName);
            Assert.Equal(9, engine.Options.Size);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void A_pipeline_overridden_by_an_environment_variable_keeps_the_name_the_file_gives_it()
    {
        string pipeline = "local" + Guid.NewGuid().ToString("N");
        string variable = $"ATOMITON__PIPELINES__{pipeline.ToUpperInvariant()}__CHAIN";
        Environment.SetEnvironmentVariable(variable, "probe");
        try
        {
            using var host = TestHosts.Create(_temp, $$"""
                { "defaultPipeline": "{{pipeline}}", "pipelines": { "{{pipeline}}": { "chain": ["probe-wrapper", "probe"] } } }
                """);

            Assert.Equal([pipeline], host.PipelineNames);
            Assert.Equal(pipeline, host.Configuration.Pipelines[pipeline].Name);
            Assert.Equal(["probe"], host.Configuration.Pipelines[pipeline].Chain);
            Assert.Empty(host.Validate());
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void A_list_of_higher_precedence_wins_over_a_single_value_beneath_it()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["pipelines:p:chain"] = "a" })
            .AddInMemoryCollection(new Dictionary<string, string?> { ["pipelines:p:chain:0"] = "b", ["pipelines:p:chain:1"] = "c" })
            .Build();

        var read = StorageConfigurationReader.Read(configuration, "test.json", _temp.Path);

        Assert.Equal(["b", "c"], read.Pipelines["p"].Chain);
    }

    [Fact]
    public void Without_its_sources_configuration_keeps_the_list()
    {
        var root = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["x:pipelines:p:chain:0"] = "b" })
            .AddInMemoryCollection(new Dictionary<string, string?> { ["x:pipelines:p:chain"] = "a" })
            .Build();

        var read = StorageConfigurationReader.Read(root.GetSection("x"), "test.json", _temp.Path);

        Assert.Equal(["b"], read.Pipelines["p"].Chain);
    }
}
