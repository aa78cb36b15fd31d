using Atomiton.Storage.Mock;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Mock;

/// <summary>The whole conformance kit against the stand-alone mock (no faults), which must behave like memory.</summary>
public sealed class MockConformanceTests : StorageConformanceTests
{
    protected override bool HoldsContentInMemory => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult<IStorageEngine>(new MockEngine());
}
