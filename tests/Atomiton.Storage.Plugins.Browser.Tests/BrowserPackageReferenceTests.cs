using Atomiton.Storage.Plugins.Browser.Hosting;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// A browser app references the browser package and core, and never drags in McMaster, the filesystem
/// plugin or the plugin host: the plugins.json reader it shares with the host is compiled in, not referenced.
/// It can run sync (IndexedDbSyncStateStore) without SQLite, which lives in Atomiton.Storage.Sync.Sqlite.
/// </summary>
public sealed class BrowserPackageReferenceTests
{
    [Theory]
    [InlineData("McMaster.NETCore.Plugins")]
    [InlineData("Atomiton.Storage.Hosting")]
    [InlineData("Atomiton.Storage.Plugins.FileSystem")]
    [InlineData("Microsoft.Data.Sqlite")]
    [InlineData("Atomiton.Storage.Sync.Sqlite")]
    public void The_browser_package_does_not_reference(string assembly)
    {
        var references = typeof(IBrowserStoragePipelines).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain(assembly, references);
        Assert.Contains("Atomiton.Storage.Abstractions", references);
    }

    [Theory]
    [InlineData("McMaster.NETCore.Plugins.dll")]
    [InlineData("Atomiton.Storage.Hosting.dll")]
    [InlineData("Atomiton.Storage.Plugins.FileSystem.dll")]
    [InlineData("Microsoft.Data.Sqlite.dll")]
    [InlineData("SQLitePCLRaw.core.dll")]
    public void The_flows_sample_ships_without(string file)
    {
        // The WebAssembly client's build output, as the sample's server serves it.
        string client = typeof(Samples.Flows.Server.FlowsServer).Assembly.Location;
        string folder = Path.GetDirectoryName(client)!;
        Assert.True(File.Exists(Path.Combine(folder, "Atomiton.Storage.Plugins.Browser.dll")), $"the browser package is not beside {client}");
        Assert.False(File.Exists(Path.Combine(folder, file)), $"{file} is in {folder}");
    }
}
