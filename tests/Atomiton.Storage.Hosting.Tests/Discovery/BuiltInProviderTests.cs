using Atomiton.Storage.Hosting.Tests.Support;

namespace Atomiton.Storage.Hosting.Tests.Discovery;

public sealed class BuiltInProviderTests
{
    [Fact]
    public async Task Core_providers_are_registered_through_the_same_catalogue_as_plugins()
    {
        using var temp = new TempDirectory();
        temp.CopyPlugins("plugins", "Json12Plugin");
        string file = temp.Combine("plugins.json");
        await File.WriteAllTextAsync(file, """{ "pluginDirectories": ["plugins"], "pipelines": { "p": { "chain": ["json12-stamp", "memory"] } } }""");
        using var host = StorageHost.Load(file);

        Assert.True(host.Catalogue.TryGet("memory", out var memory));
        Assert.True(memory.IsBuiltIn);
        Assert.Equal("built-in (Atomiton.Storage)", memory.Source);
        Assert.True(host.Catalogue.TryGet("json12-stamp", out var stamp));
        Assert.False(stamp.IsBuiltIn);

        await using var engine = await host.BuildPipelineAsync("p");
        await engine.SaveAsync("a", "x"u8.ToArray());
        var info = await engine.GetInfoAsync();
        Assert.Equal("memory", info.Inner!.EngineType);
        Assert.Equal("1", info.Details["saves"]);
    }
}
