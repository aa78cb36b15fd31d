using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Resilience.Tests.Conformance;

/// <summary>The whole conformance kit through a failover stage over two memory engines.</summary>
public sealed class FailoverConformanceTests : StorageConformanceTests
{
    protected override bool HoldsContentInMemory => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult<IStorageEngine>(new Atomiton.Storage.Resilience.Failover.FailoverEngine(new MemoryEngine(), [new("backup", new MemoryEngine())]));
}
