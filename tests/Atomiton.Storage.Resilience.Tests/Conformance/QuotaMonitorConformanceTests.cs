using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Resilience.Tests.Conformance;

/// <summary>The whole conformance kit through the quota-monitor stage over memory.</summary>
public sealed class QuotaMonitorConformanceTests : StorageConformanceTests
{
    protected override bool HoldsContentInMemory => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult<IStorageEngine>(new Atomiton.Storage.Resilience.Health.QuotaMonitorEngine(new MemoryEngine(), "kit"));
}
