namespace Atomiton.Storage.Hosting.Discovery;

/// <summary>An assembly a plugin ships and runs with in its own load context, at a version other than the host's.</summary>
/// <param name="Name">The assembly's name.</param>
/// <param name="Version">The version in the plugin folder, which the plugin uses.</param>
/// <param name="HostVersion">The host's version of the same assembly, or null when the host has none.</param>
public sealed record PluginDependency(string Name, string Version, string? HostVersion);
