using System.Reflection;

namespace Atomiton.Storage.Hosting.Tests.Support;

/// <summary>Where the build put the test plugins and where the repository is.</summary>
internal static class Paths
{
    public static string TestPlugins => Metadata("AtomitonTestPlugins");

    public static string RepositoryRoot => Metadata("AtomitonRepoRoot");

    /// <summary>Json13Plugin's reference assembly (metadata only, never loadable for execution).</summary>
    public static string Json13ReferenceAssembly => Metadata("AtomitonJson13ReferenceAssembly");

    public static string TestPlugin(string name) => Path.Combine(TestPlugins, name);

    private static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
