using System.Runtime.Loader;
using Atomiton.Storage.Hosting.Tests.Support;

namespace Atomiton.Storage.Hosting.Tests.Discovery;

public sealed class IsolationTests
{
    private const string Json = """
        {
          "pluginDirectories": ["plugins"],
          "defaultPipeline": "both",
          "stages": {
            "stamp": { "type": "json12-stamp", "options": { "label": "isolation" } },
            "store": { "type": "json13-store", "options": { "maxItems": 10 } }
          },
          "pipelines": { "both": { "chain": ["stamp", "store"] } }
        }
        """;

    [Fact]
    public void Each_plugin_loads_its_own_Newtonsoft_major_in_its_own_load_context_and_shares_only_the_contract()
    {
        using var temp = new TempDirectory();
        temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        using var host = TestHosts.Create(temp, Json, withTestProviders: false);

        Assert.Empty(host.Catalogue.Failures);
        Assert.True(host.Catalogue.TryGet("json12-stamp", out var stamp));
        Assert.True(host.Catalogue.TryGet("json13-store", out var store));
        var stampContext = AssemblyLoadContext.GetLoadContext(stamp.Provider.GetType().Assembly)!;
        var storeContext = AssemblyLoadContext.GetLoadContext(store.Provider.GetType().Assembly)!;
        Assert.NotSame(stampContext, storeContext);
        Assert.NotSame(AssemblyLoadContext.Default, stampContext);
        Assert.NotSame(AssemblyLoadContext.Default, storeContext);

        Assert.Equal(12, NewtonsoftIn(stampContext).Major);
        Assert.Equal(13, NewtonsoftIn(storeContext).Major);
        Assert.DoesNotContain(stampContext.Assemblies, a => a.GetName().Name == "Atomiton.Storage.Abstractions");
        Assert.DoesNotContain(storeContext.Assemblies, a => a.GetName().Name == "Atomiton.Storage.Abstractions");
    }

    [Fact]
    public async Task Both_plugins_work_in_one_pipeline_each_with_its_own_Newtonsoft()
    {
        using var temp = new TempDirectory();
        temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        using var host = TestHosts.Create(temp, Json, withTestProviders: false);
        await using var engine = await host.BuildDefaultPipelineAsync();

        await engine.SaveAsync("flows/flow-1.json", "{\"id\":1}"u8.ToArray());
        byte[] loaded = await engine.LoadBytesAsync("flows/flow-1.json");
        var item = await engine.StatAsync("flows/flow-1.json");
        var info = await engine.GetInfoAsync();

        Assert.Equal("{\"id\":1}"u8.ToArray(), loaded);
        Assert.Equal("{\"label\":\"isolation\",\"newtonsoft\":\"12.0.0.0\"}", item.Metadata["json12.stamp"]);
        Assert.Equal("json12-stamp", info.EngineType);
        Assert.Equal("12.0.0.0", info.Details["newtonsoft"]);
        Assert.Equal("json13-store", info.Inner!.EngineType);
        Assert.Equal("13.0.0.0", info.Inner.Details["newtonsoft"]);

        // Both stages were traversed: the wrapper counted the save and the load, and so did the backend beneath it.
        Assert.Equal(("1", "1"), (info.Details["saves"], info.Details["loads"]));
        Assert.Equal(("1", "1"), (info.Inner.Details["saves"], info.Inner.Details["loads"]));
    }

    [Fact]
    public async Task A_second_host_reuses_an_unchanged_plugin_folder_and_a_changed_one_loads_anew()
    {
        // Load contexts are never unloaded: every host building its own copy of every plugin grew a
        // process by one copy of each plugin's SDKs per host (CI's host tests build hundreds of hosts).
        using var temp = new TempDirectory();
        temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        AssemblyLoadContext first, firstStamp, second, changed;
        using (var host = TestHosts.Create(temp, Json, withTestProviders: false))
        {
            first = ContextOf(host, "json13-store");
            firstStamp = ContextOf(host, "json12-stamp");
        }

        using (var host = TestHosts.Create(temp, Json, withTestProviders: false))
        {
            second = ContextOf(host, "json13-store");
            Assert.Same(first, second);

            // The first host's disposal released nothing the second one uses.
            await using var engine = await host.BuildDefaultPipelineAsync();
            await engine.SaveAsync("a", "1"u8.ToArray());
            Assert.Equal("1"u8.ToArray(), await engine.LoadBytesAsync("a"));
        }

        // A rebuilt or recopied plugin (here: one file's modification time) is loaded again.
        string assembly = Path.Combine(temp.Path, "plugins", "Json13Plugin", "Json13Plugin.dll");
        File.SetLastWriteTimeUtc(assembly, File.GetLastWriteTimeUtc(assembly).AddSeconds(-10));
        using (var host = TestHosts.Create(temp, Json, withTestProviders: false))
        {
            changed = ContextOf(host, "json13-store");
            Assert.NotSame(first, changed);
            Assert.Same(firstStamp, ContextOf(host, "json12-stamp"));
        }
    }

    private static AssemblyLoadContext ContextOf(StorageHost host, string type)
    {
        Assert.True(host.Catalogue.TryGet(type, out var registration));
        return AssemblyLoadContext.GetLoadContext(registration.Provider.GetType().Assembly)!;
    }

    private static Version NewtonsoftIn(AssemblyLoadContext context) =>
        context.Assemblies.Single(a => a.GetName().Name == "Newtonsoft.Json").GetName().Version!;
}
