using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>The whole conformance kit through a forwarding wrapper over memory, as every wrapper plugin runs it.</summary>
public sealed class PassThroughOverMemoryConformanceTests : StorageConformanceTests
{
    protected override long LargeObjectSize => 16 * 1024 * 1024;

    protected override int ManyKeysCount => 20_000;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        ValueTask.FromResult<IStorageEngine>(new PassThroughEngine(new MemoryEngine()));
}
