using Atomiton.Storage.Hosting.Discovery;
using Atomiton.Storage.Hosting.Tests.Support;

namespace Atomiton.Storage.Hosting.Tests.Discovery;

/// <summary>Every kind of broken plugin is reported with plugin, path and reason; the host and the other plugins keep working.</summary>
public sealed class PluginFailureTests
{
    private const string Json = """
        {
          "pluginDirectories": ["plugins"],
          "pipelines": {
            "stamped": { "chain": ["json12-stamp", "probe"] },
            "store":   { "chain": ["json12-stamp", "json13-store"] },
            "faulty":  { "chain": ["json12-stamp", "faulty"] }
          }
        }
        """;

    [Fact]
    public async Task Folder_without_its_main_assembly_is_reported_and_other_plugins_keep_working()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        File.Delete(Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll"));

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", Path.Combine(plugins, "Json13Plugin"),
            "the main assembly 'Json13Plugin.dll' is missing; a plugin folder must hold an assembly named after the folder. Copy the plugin's whole build output into the folder, or remove the folder."), failure);
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Corrupt_main_assembly_is_reported_and_other_plugins_keep_working()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        string dll = Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll");
        var garbage = new byte[4096];
        new Random(42).NextBytes(garbage);
        File.WriteAllBytes(dll, garbage);

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", dll,
            "'Json13Plugin.dll' is not a valid .NET assembly (the file is corrupt or not managed code). Rebuild the plugin and copy its whole output folder again."), failure);
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Missing_dependency_is_reported_at_discovery_and_other_plugins_keep_working()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        File.Delete(Path.Combine(plugins, "Json13Plugin", "Newtonsoft.Json.dll"));

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll"),
            "dependency 'Newtonsoft.Json' 13.0.0.0 could not be loaded: it is missing from the plugin folder. Copy the plugin's whole build output (with its dependencies) into the folder."), failure);
        Assert.False(host.Catalogue.TryGet("json13-store", out _));
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Plugin_built_against_another_contract_major_version_is_refused_before_loading()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        string dll = Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll");
        ContractVersionPatch.SetContractVersion(dll, 2, 0);

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", dll,
            "'Json13Plugin.dll' was built against contract Atomiton.Storage.Abstractions 2.0.0.0, but this host runs contract major version 1 (1.0.0.0). Rebuild the plugin against contract 1.x."), failure);
        Assert.DoesNotContain(host.Catalogue.Plugins, p => p.Name == "Json13Plugin");
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Plugin_built_against_a_newer_minor_contract_version_is_refused()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        string dll = Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll");
        ContractVersionPatch.SetContractVersion(dll, 1, 7);

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", dll,
            "'Json13Plugin.dll' was built against contract Atomiton.Storage.Abstractions 1.7.0.0, which is newer than this host's (1.0.0.0). Update the host, or rebuild the plugin against contract 1.0."), failure);
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Throwing_factory_fails_only_the_pipeline_that_needs_it_naming_stage_plugin_and_reason()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "FaultyPlugin");
        using var host = TestHosts.Create(temp, Json);
        Assert.Empty(host.Catalogue.Failures);

        var error = await Assert.ThrowsAsync<StorageException>(() => host.BuildPipelineAsync("faulty").AsTask());

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Equal(
            $"{temp.Combine("plugins.json")}: $.pipelines.faulty.chain[1] (pipeline 'faulty', stage 'faulty'): provider 'faulty' (plugin 'FaultyPlugin' at '{Path.Combine(plugins, "FaultyPlugin", "FaultyPlugin.dll")}') threw InvalidOperationException while building the engine: the faulty test provider always fails to build its engine",
            error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Duplicate_provider_name_keeps_the_first_plugin_and_reports_the_second()
    {
        using var temp = new TempDirectory();
        string first = temp.CopyPlugins("a", "Json12Plugin", "Json13Plugin");
        string second = temp.CopyPlugins("b", "Json13Plugin");
        using var host = TestHosts.Create(temp, Json.Replace("[\"plugins\"]", "[\"a\", \"b\"]", StringComparison.Ordinal));

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", Path.Combine(second, "Json13Plugin", "Json13Plugin.dll"),
            $"provider name 'json13-store' is already taken by plugin 'Json13Plugin' at '{Path.Combine(first, "Json13Plugin", "Json13Plugin.dll")}'; this one (Json13Plugin.DocumentStoreProvider) is ignored. Rename one of the providers or remove one of the plugins."), failure);
        Assert.True(host.Catalogue.TryGet("json13-store", out var winner));
        Assert.Equal(Path.Combine(first, "Json13Plugin", "Json13Plugin.dll"), winner.Path);
        await using var engine = await host.BuildPipelineAsync("store");
        Assert.Equal("json12-stamp", engine.EngineType);
    }

    [Fact]
    public async Task Pipeline_that_needs_a_broken_plugin_fails_when_built_with_the_plugin_failure_reason()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        File.Delete(Path.Combine(plugins, "Json13Plugin", "Newtonsoft.Json.dll"));
        using var host = TestHosts.Create(temp, Json);

        var error = await Assert.ThrowsAsync<StorageException>(() => host.BuildPipelineAsync("store").AsTask());

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Equal(
            $"{temp.Combine("plugins.json")}: $.pipelines.store.chain[1] (pipeline 'store', stage 'json13-store'): 'json13-store' is neither a declared stage nor an available provider type. Declared stages: (none). Available types: json12-stamp, probe, probe-wrapper. 1 plugin problem(s) may explain it: {host.Catalogue.Failures[0]}",
            error.Message);
        Assert.Contains("dependency 'Newtonsoft.Json' 13.0.0.0 could not be loaded: it is missing from the plugin folder.", error.Message, StringComparison.Ordinal);
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Assembly_that_does_not_reference_the_contract_is_reported_as_not_a_plugin()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin");
        string folder = Path.Combine(plugins, "Newtonsoft.Json");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(plugins, "Json12Plugin", "Newtonsoft.Json.dll"), Path.Combine(folder, "Newtonsoft.Json.dll"));

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Newtonsoft.Json", Path.Combine(folder, "Newtonsoft.Json.dll"),
            "'Newtonsoft.Json.dll' does not reference Atomiton.Storage.Abstractions, so it cannot provide storage engines. Remove the folder from the plugin directory, or rebuild it against the contract."), failure);
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public void Missing_plugin_directory_is_reported_and_built_in_providers_stay_available()
    {
        using var temp = new TempDirectory();

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("plugins", temp.Combine("plugins"),
            "the plugin directory does not exist. Build the plugins (dotnet build lays them out there) or fix pluginDirectories."), failure);
        Assert.Equal(["probe", "probe-wrapper"], host.Catalogue.Names);
    }

    [Fact]
    public void Loaded_plugins_are_listed_with_their_folder_assembly_and_providers()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");

        using var host = TestHosts.Create(temp, Json, withTestProviders: false);

        Assert.Equal(
            [
                new LoadedPlugin("Json12Plugin", Path.Combine(plugins, "Json12Plugin"), Path.Combine(plugins, "Json12Plugin", "Json12Plugin.dll"), ["json12-stamp"]),
                new LoadedPlugin("Json13Plugin", Path.Combine(plugins, "Json13Plugin"), Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll"), ["json13-store"]),
            ],
            host.Catalogue.Plugins,
            new LoadedPluginComparer());
    }

    private static async Task AssertStampedPipelineWorks(StorageHost host)
    {
        await using var engine = await host.BuildPipelineAsync("stamped");
        var info = await engine.GetInfoAsync();
        Assert.Equal("json12-stamp", info.EngineType);
        Assert.Equal("12.0.0.0", info.Details["newtonsoft"]);
        Assert.Equal("probe", info.Inner!.EngineType);
    }

    private sealed class LoadedPluginComparer : IEqualityComparer<LoadedPlugin>
    {
        public bool Equals(LoadedPlugin? x, LoadedPlugin? y) =>
            x!.Name == y!.Name && x.Directory == y.Directory && x.AssemblyPath == y.AssemblyPath && x.ProviderNames.SequenceEqual(y.ProviderNames);

        public int GetHashCode(LoadedPlugin obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
