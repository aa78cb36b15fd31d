namespace Atomiton.Storage.Hosting.Tests.Support;

/// <summary>Tests that change process-wide ATOMITON__ environment variables; they run with nothing else in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentGroup
{
    public const string Name = "process environment";
}
