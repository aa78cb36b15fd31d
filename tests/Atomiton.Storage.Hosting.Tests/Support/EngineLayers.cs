using Atomiton.Storage.Hosting.Pipelines;
using Atomiton.Storage.Resilience.Observability;

namespace Atomiton.Storage.Hosting.Tests.Support;

/// <summary>The host instruments and bounds every stage it builds; tests that inspect a stage's own type look through those layers.</summary>
internal static class EngineLayers
{
    public static IStorageEngine Bare(this IStorageEngine engine)
    {
        while (engine is InstrumentedStorageEngine or StageBoundaryEngine)
        {
            engine = ((DelegatingStorageEngine)engine).Inner;
        }

        return engine;
    }
}
