namespace Atomiton.Storage.Resilience.Tests;

/// <summary>Tests that measure wall-clock time: xunit runs them alone, after the parallel ones, so other tests do not skew the figures.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "timing-sensitive";
}
