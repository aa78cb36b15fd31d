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
}
