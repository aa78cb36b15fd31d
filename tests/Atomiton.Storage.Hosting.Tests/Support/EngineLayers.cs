using Atomiton.Storage.Resilience.Observability;

namespace Atomiton.Storage.Hosting.Tests.Support;

/// <summary>The host instruments every stage it builds; tests that inspect a stage's own type look through that layer.</summary>
internal static class EngineLayers
{
    public static IStorageEngine Bare(this IStorageEngine engine)
    {
        while (engine is InstrumentedStorageEngine instrumented)
        {
            engine = instrumented.Inner;
        }

        return engine;
    }
}
