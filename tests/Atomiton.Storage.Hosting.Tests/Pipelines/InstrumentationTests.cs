using System.Diagnostics;
using Atomiton.Storage.Hosting.Pipelines;
using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Hosting.Tests.Support;
using Atomiton.Storage.Resilience.Observability;

namespace Atomiton.Storage.Hosting.Tests.Pipelines;

/// <summary>Observability is built into every pipeline the host builds, not a stage users must remember.</summary>
public sealed class InstrumentationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Every_stage_the_host_builds_is_instrumented_under_its_pipeline_and_stage_name()
    {
        using var host = TestHosts.Create(_temp, """
            { "stages": { "w": { "type": "probe-wrapper" }, "s": { "type": "probe" } },
              "pipelines": { "p": { "chain": ["w", "s"] } } }
            """);

        await using var engine = await host.BuildPipelineAsync("p");

        var outer = Assert.IsType<InstrumentedStorageEngine>(engine);
        Assert.Equal(("p", "w"), (outer.Pipeline, outer.Stage));
        var wrapper = Assert.IsType<ProbeWrapperEngine>(Assert.IsType<StageBoundaryEngine>(outer.Inner).Inner);
        var inner = Assert.IsType<InstrumentedStorageEngine>(wrapper.Inner);
        Assert.Equal(("p", "s"), (inner.Pipeline, inner.Stage));
        Assert.IsType<ProbeEngine>(Assert.IsType<StageBoundaryEngine>(inner.Inner).Inner);
    }

    [Fact]
    public async Task A_save_through_a_built_pipeline_is_traced_once_per_stage()
    {
        string file = _temp.Combine("plugins.json");
        await File.WriteAllTextAsync(file, """
            { "stages": { "w": { "type": "probe-wrapper" }, "s": { "type": "memory" } },
              "pipelines": { "traced": { "chain": ["w", "s"] } } }
            """);
        var options = new StorageHostOptions { ConfigurationFile = file };
        options.BuiltInAssemblies.Add(TestHosts.TestAssembly);
        using var host = StorageHost.Create(options);
        var stages = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StorageTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("storage.pipeline") as string == "traced")
                {
                    lock (stages)
                    {
                        stages.Add((string)activity.GetTagItem("storage.stage")!);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await using var engine = await host.BuildPipelineAsync("traced");
        await engine.SaveAsync("a/b.txt", new byte[] { 1, 2, 3 });

        Assert.Equal(["s", "w"], stages);
    }

    [Fact]
    public async Task Without_telemetry_the_host_returns_the_stages_within_their_boundaries_only()
    {
        string file = _temp.Combine("plugins.json");
        await File.WriteAllTextAsync(file, """{ "stages": { "s": { "type": "probe" } }, "pipelines": { "p": { "chain": ["s"] } } }""");
        var options = new StorageHostOptions { ConfigurationFile = file, Telemetry = null };
        options.BuiltInAssemblies.Clear();
        options.BuiltInAssemblies.Add(TestHosts.TestAssembly);
        using var host = StorageHost.Create(options);

        await using var engine = await host.BuildPipelineAsync("p");

        Assert.IsType<ProbeEngine>(Assert.IsType<StageBoundaryEngine>(engine).Inner);
    }
}
