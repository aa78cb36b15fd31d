using Atomiton.Storage.Providers;
using McMaster.NETCore.Plugins;

namespace Atomiton.Storage.Hosting.Discovery;

/// <summary>What loading one plugin folder produced.</summary>
/// <param name="Name">The plugin's name (folder name).</param>
/// <param name="Directory">The plugin folder.</param>
/// <param name="AssemblyPath">The main assembly's path.</param>
/// <param name="Loader">The load context's loader, when the main assembly loaded; shared by every host of the process that loads the same unchanged folder, never unloaded.</param>
/// <param name="Providers">The usable provider descriptors.</param>
/// <param name="Failures">Everything that went wrong.</param>
internal sealed record PluginFolderLoadResult(
    string Name,
    string Directory,
    string AssemblyPath,
    PluginLoader? Loader,
    IReadOnlyList<IStorageProvider> Providers,
    IReadOnlyList<PluginLoadFailure> Failures);
