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
}
