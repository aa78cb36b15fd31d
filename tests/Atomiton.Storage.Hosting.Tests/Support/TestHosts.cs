using System.Reflection;

namespace Atomiton.Storage.Hosting.Tests.Support;

/// <summary>Writes a plugins.json into a temp folder and creates a host on it.</summary>
internal static class TestHosts
{
    /// <summary>Creates a host from <paramref name="json"/> written to <c>plugins.json</c> in <paramref name="folder"/>.</summary>
    /// <param name="folder">The folder of plugins.json (relative paths resolve against it).</param>
    /// <param name="json">The file's content.</param>
    /// <param name="withTestProviders">Whether this test assembly's providers count as built in.</param>
    /// <param name="builtInDefaults">Whether the core's built-in providers (memory, cached, retry…) stay available.</param>
    public static StorageHost Create(TempDirectory folder, string json, bool withTestProviders = true, bool builtInDefaults = false)
    {
        string file = folder.Combine("plugins.json");
        File.WriteAllText(file, json);
        var options = new StorageHostOptions { ConfigurationFile = file };
        if (!builtInDefaults)
        {
            options.BuiltInAssemblies.Clear();
        }

        if (withTestProviders)
        {
            options.BuiltInAssemblies.Add(typeof(TestHosts).Assembly);
        }

        return StorageHost.Create(options);
    }

    public static Assembly TestAssembly => typeof(TestHosts).Assembly;
}
