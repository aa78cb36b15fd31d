using System.Reflection;

namespace Atomiton.Storage.Host.Tests.Support;

/// <summary>Where the build put the host and the bundled plugins (recorded in this assembly at build time).</summary>
internal static class BuildPaths
{
    public static string HostAssembly => Metadata("AtomitonHostAssembly");

    public static string Plugins => Metadata("AtomitonPlugins");

    /// <summary>Where the test plugins (tests/TestPlugins) are laid out.</summary>
    public static string TestPlugins => Metadata("AtomitonTestPlugins");

    /// <summary>
    /// The clone's root folder (the one holding the solution), found above the host's build output.
    /// Not from [CallerFilePath]: a CI build (CI=true) maps source paths to "/_/".
    /// </summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var folder = new DirectoryInfo(Path.GetDirectoryName(HostAssembly)!); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Atomiton.Storage.Plugins.sln")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException("Atomiton.Storage.Plugins.sln was not found above the host's build output.");
        }
    }

    private static string Metadata(string name) =>
        typeof(BuildPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == name).Value
        ?? throw new InvalidOperationException($"Assembly metadata {name} is missing.");
}
