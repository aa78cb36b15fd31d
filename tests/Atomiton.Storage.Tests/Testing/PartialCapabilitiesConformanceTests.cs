using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>The kit over an engine with deletes and create-only writes but no ETag conditions, metadata or ranges; copy and move use the base class's streaming fallback.</summary>
public sealed class PartialCapabilitiesConformanceTests : StorageConformanceTests
{
    protected override long LargeObjectSize => 8 * 1024 * 1024;

    protected override int ManyKeysCount => 5_000;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult<IStorageEngine>(
        new RestrictedEngine(new MemoryEngine(), StorageCapabilities.Read | StorageCapabilities.Write | StorageCapabilities.List | StorageCapabilities.OrderedList | StorageCapabilities.RecursiveList | StorageCapabilities.Delete | StorageCapabilities.CreateOnly | StorageCapabilities.ShallowList));
}
