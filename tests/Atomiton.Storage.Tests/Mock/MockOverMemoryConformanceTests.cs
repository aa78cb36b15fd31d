using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Mock;

/// <summary>The whole conformance kit against a mock over a memory engine, with a (generous) quota so the quota path is exercised too.</summary>
public sealed class MockOverMemoryConformanceTests : StorageConformanceTests
{
    protected override bool HoldsContentInMemory => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        ValueTask.FromResult<IStorageEngine>(new MockEngine(new MemoryEngine(), new MockOptions { QuotaBytes = 1L << 40, Seed = 1 }));
}
