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
        ContractVersionPatch.SetContractVersion(dll, 1, 0);

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", dll,
            "'Json13Plugin.dll' was built against contract Atomiton.Storage.Abstractions 1.0.0.0, but this host runs contract major version 2 (2.0.0.0). Rebuild the plugin against contract 2.x."), failure);
        Assert.DoesNotContain(host.Catalogue.Plugins, p => p.Name == "Json13Plugin");
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Plugin_built_against_a_newer_minor_contract_version_is_refused()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        string dll = Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll");
        ContractVersionPatch.SetContractVersion(dll, 2, 7);

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", dll,
            "'Json13Plugin.dll' was built against contract Atomiton.Storage.Abstractions 2.7.0.0, which is newer than this host's (2.0.0.0). Update the host, or rebuild the plugin against contract 2.0."), failure);
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
            $"{temp.Combine("plugins.json")}: $.pipelines.store.chain[1] (pipeline 'store', stage 'json13-store'): 'json13-store' is neither a declared stage nor an available provider type. Declared stages: (none). Available types: buggy, json12-stamp, probe, probe-wrapper. 1 plugin problem(s) may explain it: {host.Catalogue.Failures[0]}",
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
        Assert.Equal(new PluginLoadFailure(temp.Combine("plugins"), temp.Combine("plugins"),
            "the plugin directory does not exist. Build the plugins (dotnet build lays them out there) or fix pluginDirectories."), failure);
        Assert.True(failure.IsPluginDirectory);
        Assert.Equal($"plugin directory '{temp.Combine("plugins")}': the plugin directory does not exist. Build the plugins (dotnet build lays them out there) or fix pluginDirectories.", failure.ToString());
        Assert.Equal(["buggy", "probe", "probe-wrapper"], host.Catalogue.Names);
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

    [Theory]
    [InlineData("{ \"runtimeTarget\": ", "it is not valid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. LineNumber: 0 | BytePositionInLine: 19.")]
    [InlineData("[]", "the document is an array, not an object")]
    [InlineData("{ \"targets\": 5 }", "$.runtimeTarget.name is missing; it names the entry of $.targets to use")]
    [InlineData("{ \"runtimeTarget\": { \"name\": 7 } }", "$.runtimeTarget.name is missing; it names the entry of $.targets to use")]
    [InlineData("{ \"runtimeTarget\": \"net\", \"targets\": { \"other\": {} } }", "$.targets has no object for the runtime target 'net'")]
    [InlineData("{ \"runtimeTarget\": { \"name\": \"net\" }, \"targets\": { \"net\": { \"Lib/1.0\": [] } } }", "$.targets['net']['Lib/1.0'] is an array, not an object")]
    [InlineData("{ \"runtimeTarget\": \"net\", \"targets\": { \"net\": { \"Lib/1.0\": { \"runtime\": \"Lib.dll\" } } } }", "$.targets['net']['Lib/1.0'].runtime is a string, not an object")]
    [InlineData("{ \"runtimeTarget\": \"net\", \"targets\": { \"net\": { \"Lib/1.0\": { \"resources\": false } } } }", "$.targets['net']['Lib/1.0'].resources is a boolean, not an object")]
    [InlineData("{ \"runtimeTarget\": \"net\", \"targets\": { \"net\": { \"Lib/1.0\": { \"native\": { \"lib.so\": 1 } } } } }", "$.targets['net']['Lib/1.0'].native['lib.so'] is a number, not an object")]
    [InlineData("{ \"runtimeTarget\": \"net\", \"targets\": { \"net\": { \"Lib/1.0\": { \"runtimeTargets\": { \"Lib.dll\": null } } } } }", "$.targets['net']['Lib/1.0'].runtimeTargets['Lib.dll'] is null, not an object")]
    [InlineData("{ \"runtimeTarget\": \"net\", \"targets\": { \"net\": { \"Lib/1.0\": { \"runtimeTargets\": { \"Lib.dll\": { \"rid\": \"unix\" } } } } } }", "$.targets['net']['Lib/1.0'].runtimeTargets['Lib.dll'] lacks the string 'rid' or 'assetType'")]
    [InlineData("{ \"runtimeTarget\": \"net\", \"targets\": { \"net\": {} } }", "$.libraries is missing or not an object")]
    [InlineData("{ \"runtimeTarget\": \"net\", \"targets\": { \"net\": {} }, \"libraries\": { \"Lib/1.0\": { \"type\": \"package\", \"serviceable\": \"yes\" } } }", "$.libraries['Lib/1.0'] must be an object with a string 'type' and a boolean 'serviceable'")]
    [InlineData("{ \"runtimeTarget\": \"net\", \"targets\": { \"net\": {} }, \"libraries\": { \"Lib/1.0\": true } }", "$.libraries['Lib/1.0'] must be an object with a string 'type' and a boolean 'serviceable'")]
    public async Task Malformed_deps_json_is_reported_with_what_is_wrong_and_never_reaches_the_runtime_resolver(string depsJson, string problem)
    {
        // Before the check, the runtime's resolver read such a file and terminated the whole process (or threw out of the host).
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        File.WriteAllText(Path.Combine(plugins, "Json13Plugin", "Json13Plugin.deps.json"), depsJson);

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll"),
            $"'Json13Plugin.deps.json' is not a valid dependency manifest: {problem}. Rebuild the plugin and copy its whole build output into the folder again, or delete the file."), failure);
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Deps_json_in_the_shape_of_a_RID_specific_build_is_accepted()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        File.WriteAllText(Path.Combine(plugins, "Json13Plugin", "Json13Plugin.deps.json"), """
            {
              "runtimeTarget": { "name": ".NETCoreApp,Version=v10.0/linux-x64" },
              "targets": {
                ".NETCoreApp,Version=v10.0/linux-x64": {
                  "Json13Plugin/1.0.0": { "dependencies": { "Newtonsoft.Json": "13.0.3" }, "runtime": { "Json13Plugin.dll": {} } },
                  "Newtonsoft.Json/13.0.3": { "runtimeTargets": { "runtimes/unix/lib/Newtonsoft.Json.dll": { "rid": "unix", "assetType": "runtime" } } }
                }
              },
              "libraries": {
                "Json13Plugin/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
                "Newtonsoft.Json/13.0.3": { "type": "package", "serviceable": true, "sha512": "", "path": "newtonsoft.json/13.0.3" }
              }
            }
            """);

        using var host = TestHosts.Create(temp, Json);

        Assert.Empty(host.Catalogue.Failures);
        Assert.True(host.Catalogue.TryGet("json13-store", out _));
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Plugin_without_deps_json_loads_its_dependencies_from_its_own_folder()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        File.Delete(Path.Combine(plugins, "Json13Plugin", "Json13Plugin.deps.json"));

        using var host = TestHosts.Create(temp, Json);

        Assert.Empty(host.Catalogue.Failures);
        Assert.True(host.Catalogue.TryGet("json13-store", out var store));
        var context = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(store.Provider.GetType().Assembly)!;
        var newtonsoft = Assert.Single(context.Assemblies, a => a.GetName().Name == "Newtonsoft.Json");
        Assert.Equal(Path.Combine(plugins, "Json13Plugin", "Newtonsoft.Json.dll"), newtonsoft.Location);
        await using var engine = await host.BuildPipelineAsync("store");
        await engine.SaveAsync("doc", "{\"a\":1}"u8.ToArray());
        Assert.Equal("{\"a\":1}"u8.ToArray(), await engine.LoadBytesAsync("doc"));
    }

    [Fact]
    public async Task Corrupt_dependency_is_reported_at_discovery_naming_it()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(Path.Combine(plugins, "Json13Plugin", "Newtonsoft.Json.dll"), garbage);

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll"),
            "dependency 'Newtonsoft.Json' 13.0.0.0 could not be loaded: BadImageFormatException: Could not load file or assembly 'Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed'. An attempt was made to load a program with an incorrect format. Copy the plugin's whole build output (with its dependencies) into the folder."), failure);
        Assert.False(host.Catalogue.TryGet("json13-store", out _));
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Dependency_older_than_the_one_the_plugin_was_built_against_is_reported_at_discovery()
    {
        // Json13Plugin's folder holds Newtonsoft.Json 12: it would load, then fail at the first call into a 13-only API.
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        File.Copy(Path.Combine(plugins, "Json12Plugin", "Newtonsoft.Json.dll"), Path.Combine(plugins, "Json13Plugin", "Newtonsoft.Json.dll"), overwrite: true);

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll"),
            "dependency 'Newtonsoft.Json' 13.0.0.0 could not be loaded: the plugin folder holds version 12.0.0.0, older than the one the plugin was built against. Copy the plugin's whole build output (with its dependencies) into the folder."), failure);
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Reference_assembly_copied_in_place_of_the_plugin_is_reported_as_not_loadable()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        string dll = Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll");
        File.Copy(Paths.Json13ReferenceAssembly, dll, overwrite: true);

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", dll,
            "'Json13Plugin.dll' could not be loaded: BadImageFormatException: Could not load file or assembly 'Json13Plugin, Version=2.0.0.0, Culture=neutral, PublicKeyToken=null'. Reference assemblies cannot be loaded for execution. (0x80131058). Rebuild the plugin and copy its whole build output (not a reference assembly from obj/) into the folder again."), failure);
        Assert.DoesNotContain(host.Catalogue.Plugins, p => p.Name == "Json13Plugin");
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Plugin_without_a_public_provider_type_is_reported_with_how_to_write_one()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "NoProviderPlugin");

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("NoProviderPlugin", Path.Combine(plugins, "NoProviderPlugin", "NoProviderPlugin.dll"),
            "'NoProviderPlugin.dll' has no public, non-abstract IStorageProvider type with a public parameterless constructor. Derive a provider from StorageProvider<TOptions>."), failure);
        Assert.Equal(["buggy", "json12-stamp", "probe", "probe-wrapper"], host.Catalogue.Names);
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Native_library_named_like_the_plugin_is_reported_as_not_a_NET_assembly()
    {
        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        string dll = Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll");
        HostileFiles.WriteNativeImage(dll);

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", dll,
            "'Json13Plugin.dll' is not a valid .NET assembly (the file is corrupt or not managed code). Rebuild the plugin and copy its whole output folder again."), failure);
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Main_assembly_that_cannot_be_read_is_reported_and_other_plugins_keep_working()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // A Unix domain socket stands for the unreadable file: it cannot be opened, even by root.
        }

        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        string dll = Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll");
        File.Delete(dll);
        using var socket = HostileFiles.BindSocket(dll);

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", dll,
            $"'Json13Plugin.dll' could not be read (No such device or address : '{dll}'). Check that it is a regular file the host may read."), failure);
        await AssertStampedPipelineWorks(host);
    }

    [Fact]
    public async Task Deps_json_that_cannot_be_read_is_reported_and_other_plugins_keep_working()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // A Unix domain socket stands for the unreadable file: it cannot be opened, even by root.
        }

        using var temp = new TempDirectory();
        string plugins = temp.CopyPlugins("plugins", "Json12Plugin", "Json13Plugin");
        string deps = Path.Combine(plugins, "Json13Plugin", "Json13Plugin.deps.json");
        File.Delete(deps);
        using var socket = HostileFiles.BindSocket(deps);

        using var host = TestHosts.Create(temp, Json);

        var failure = Assert.Single(host.Catalogue.Failures);
        Assert.Equal(new PluginLoadFailure("Json13Plugin", Path.Combine(plugins, "Json13Plugin", "Json13Plugin.dll"),
            $"'Json13Plugin.deps.json' could not be read (No such device or address : '{deps}'). Check the file's permissions, or copy the plugin's whole build output into the folder again."), failure);
        await AssertStampedPipelineWorks(host);
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
