using Atomiton.Storage.Hosting.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Atomiton.Storage.Hosting.Tests.Discovery;

/// <summary>
/// What docs/plugins.md and docs/writing-a-plugin.md say about a plugin's own Microsoft.Extensions.* and the contract:
/// a newer version than the host's loads and is used, a shipped contract is ignored for the host's, and no
/// Microsoft.Extensions.* type crosses to the host — even at the host's version.
/// </summary>
public sealed class ForeignDependencyTests
{
    private const string Json = """
        {
          "pluginDirectories": ["plugins"],
          "defaultPipeline": "probe",
          "stages": { "probe": { "type": "extensions-probe" } },
          "pipelines": { "probe": { "chain": ["probe", "memory"] } }
        }
        """;

    [Fact]
    public async Task A_plugin_built_against_a_newer_Microsoft_Extensions_than_the_host_loads_and_uses_its_own_copy()
    {
        using var temp = new TempDirectory();
        temp.CopyPlugins("plugins", "ExtensionsPlugin");
        using var host = TestHosts.Create(temp, Json, withTestProviders: false, builtInDefaults: true);

        Assert.Empty(host.Catalogue.Failures);
        await using var engine = await host.BuildDefaultPipelineAsync();
        var details = (await engine.GetInfoAsync()).Details;

        var hostPrimitives = typeof(StringValues).Assembly.GetName().Version!;
        Assert.Equal(10, hostPrimitives.Major);
        Assert.Equal("11.0.0.0", details["primitivesVersion"]);
        Assert.Equal("true", details["primitivesInPluginContext"]);
        Assert.Equal("a,b", details["joined"]);
    }

    [Fact]
    public async Task A_contract_shipped_in_the_plugin_folder_is_ignored_and_the_plugin_gets_the_hosts()
    {
        using var temp = new TempDirectory();
        temp.CopyPlugins("plugins", "ExtensionsPlugin");
        string shipped = temp.Combine("plugins", "ExtensionsPlugin", "Atomiton.Storage.Abstractions.dll");
        File.Copy(typeof(IStorageEngine).Assembly.Location, shipped);
        using var host = TestHosts.Create(temp, Json, withTestProviders: false, builtInDefaults: true);

        Assert.Empty(host.Catalogue.Failures);
        await using var engine = await host.BuildDefaultPipelineAsync();
        await engine.SaveAsync("k", new byte[] { 1, 2, 3 });
        var details = (await engine.GetInfoAsync()).Details;

        Assert.Equal("true", details["contractInDefaultContext"]);
        Assert.Equal(typeof(IStorageEngine).Assembly.Location, details["contractLocation"]);
        Assert.NotEqual(shipped, details["contractLocation"]);
    }

    [Fact]
    public async Task No_Microsoft_Extensions_type_crosses_to_a_plugin_even_at_the_hosts_version_and_without_DI_there_are_no_services()
    {
        using var temp = new TempDirectory();
        temp.CopyPlugins("plugins", "ExtensionsPlugin");
        using (var host = TestHosts.Create(temp, Json, withTestProviders: false, builtInDefaults: true))
        {
            await using var engine = await host.BuildDefaultPipelineAsync();
            var details = (await engine.GetInfoAsync()).Details;
            Assert.Equal(("false", "false"), (details["servicesGiven"], details["loggerFactoryVisible"]));
        }

        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        await using (services)
        {
            Assert.NotNull(services.GetService<ILoggerFactory>());
            var options = new StorageHostOptions { ConfigurationFile = temp.Combine("plugins.json"), Services = services };
            using var host = StorageHost.Create(options);
            await using var engine = await host.BuildDefaultPipelineAsync();
            var details = (await engine.GetInfoAsync()).Details;
            Assert.Equal(("true", "false"), (details["servicesGiven"], details["loggerFactoryVisible"]));
        }
    }

    [Fact]
    public void The_catalogue_shows_each_plugins_load_context_and_its_assemblies_that_differ_from_the_hosts()
    {
        using var temp = new TempDirectory();
        temp.CopyPlugins("plugins", "ExtensionsPlugin", "Json12Plugin");
        File.Copy(typeof(IStorageEngine).Assembly.Location, temp.Combine("plugins", "Json12Plugin", "Atomiton.Storage.Abstractions.dll"));
        using var host = TestHosts.Create(temp, Json, withTestProviders: false, builtInDefaults: true);

        var extensions = host.Catalogue.Plugins.Single(p => p.Name == "ExtensionsPlugin");
        var json12 = host.Catalogue.Plugins.Single(p => p.Name == "Json12Plugin");

        Assert.Contains("ExtensionsPlugin", extensions.LoadContext, StringComparison.Ordinal);
        Assert.Contains("Json12Plugin", json12.LoadContext, StringComparison.Ordinal);
        var primitives = Assert.Single(extensions.DifferingDependencies);
        Assert.Equal(("Microsoft.Extensions.Primitives", "11.0.0.0", typeof(StringValues).Assembly.GetName().Version!.ToString()), (primitives.Name, primitives.Version, primitives.HostVersion));
        // Newtonsoft 12 differs from whatever the host has; the shipped contract is not listed: the host's is used.
        var newtonsoft = Assert.Single(json12.DifferingDependencies);
        Assert.Equal(("Newtonsoft.Json", "12.0.0.0"), (newtonsoft.Name, newtonsoft.Version));
    }
}
