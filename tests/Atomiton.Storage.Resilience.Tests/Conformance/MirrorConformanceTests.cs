using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Resilience.Tests.Conformance;

/// <summary>The whole conformance kit through a mirror stage over three memory engines.</summary>
public sealed class MirrorConformanceTests : StorageConformanceTests
{
    protected override bool HoldsContentInMemory => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult<IStorageEngine>(new Atomiton.Storage.Resilience.Mirror.MirrorEngine(new MemoryEngine(), [new("b", new MemoryEngine()), new("c", new MemoryEngine())]));
}
