using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Memory;

/// <summary>The whole conformance kit against the memory engine without limits, over the kit's clock.</summary>
public sealed class MemoryConformanceTests : StorageConformanceTests
{
    protected override bool EngineTakesClock => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult<IStorageEngine>(new MemoryEngine(null, Clock));
}
