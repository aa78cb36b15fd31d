using System.Reflection;

namespace Atomiton.Storage.Hosting;

/// <summary>The core assemblies whose providers are built in. The host references both, so both are always present.</summary>
internal static class CoreAssemblies
{
    public static IEnumerable<Assembly> Find() =>
        [typeof(Memory.MemoryEngine).Assembly, typeof(Resilience.Observability.StorageTelemetry).Assembly];
}
