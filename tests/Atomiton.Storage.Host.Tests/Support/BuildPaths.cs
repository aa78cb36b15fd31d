using System.Reflection;

namespace Atomiton.Storage.Host.Tests.Support;

/// <summary>Where the build put the host and the bundled plugins (recorded in this assembly at build time).</summary>
internal static class BuildPaths
{
    public static string HostAssembly => Metadata("AtomitonHostAssembly");

    public static string Plugins => Metadata("AtomitonPlugins");

    /// <summary>Where the test plugins (tests/TestPlugins) are laid out.</summary>
    public static string TestPlugins => Metadata("AtomitonTestPlugins");

    private static string Metadata(string name) =>
        typeof(BuildPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == name).Value
        ?? throw new InvalidOperationException($"Assembly metadata {name} is missing.");
}
