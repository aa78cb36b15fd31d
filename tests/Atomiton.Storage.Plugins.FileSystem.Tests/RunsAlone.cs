namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// Tests that run child processes, many threads or heavy allocation: they run alone, after the
/// parallel kit classes, so the kit's memory measurements (process-wide allocation counters) see
/// only the engine under test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Filesystem tests that run alone";
}
