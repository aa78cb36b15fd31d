using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Resilience.Tests.Conformance;

/// <summary>The whole conformance kit through the retry stage over memory.</summary>
public sealed class RetryConformanceTests : StorageConformanceTests
{
    protected override bool HoldsContentInMemory => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult<IStorageEngine>(new Atomiton.Storage.Resilience.Retry.RetryEngine(new MemoryEngine()));
}
