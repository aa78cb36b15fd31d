namespace Atomiton.Storage.Hosting.Discovery;

/// <summary>A plugin folder whose main assembly was loaded into its own load context.</summary>
/// <param name="Name">The plugin's name: its folder name, which is also its main assembly's name.</param>
/// <param name="Directory">The plugin folder.</param>
/// <param name="AssemblyPath">The main assembly.</param>
/// <param name="ProviderNames">The provider types it registered in the catalogue (duplicates excluded).</param>
public sealed record LoadedPlugin(string Name, string Directory, string AssemblyPath, IReadOnlyList<string> ProviderNames)
{
    /// <summary>The name of the plugin's own load context (named after its main assembly).</summary>
    public string LoadContext { get; init; } = "";

    /// <summary>The assemblies the plugin ships and runs with whose version is not the host's (the contract excepted: it is always the host's).</summary>
    public IReadOnlyList<PluginDependency> DifferingDependencies { get; init; } = [];
}
