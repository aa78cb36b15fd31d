using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Resilience.Tests.Conformance;

/// <summary>The whole conformance kit through the circuit-breaker stage over memory.</summary>
public sealed class CircuitBreakerConformanceTests : StorageConformanceTests
{
    protected override bool HoldsContentInMemory => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult<IStorageEngine>(new Atomiton.Storage.Resilience.CircuitBreaker.CircuitBreakerEngine(new MemoryEngine()));
}
