using System.Reflection;

namespace Atomiton.Storage.Hosting;

/// <summary>The core assemblies whose providers are built in, loaded by name so the host needs no compile-time list of providers.</summary>
internal static class CoreAssemblies
{
    private static readonly string[] Names = ["Atomiton.Storage", "Atomiton.Storage.Resilience"];

    public static IEnumerable<Assembly> Find()
    {
        foreach (string name in Names)
        {
            Assembly? assembly;
            try
            {
                assembly = Assembly.Load(new AssemblyName(name));
            }
            catch (FileNotFoundException)
            {
                assembly = null; // not referenced by this application
            }

            if (assembly is not null)
            {
                yield return assembly;
            }
        }
    }
}
