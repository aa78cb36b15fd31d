using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>The kit over an engine that can only read, write and list: every gated case checks UnsupportedOperation instead (catalogue 49).</summary>
public sealed class MinimalCapabilitiesConformanceTests : StorageConformanceTests
{
    protected override long LargeObjectSize => 8 * 1024 * 1024;

    protected override int ManyKeysCount => 5_000;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() => ValueTask.FromResult<IStorageEngine>(
        new RestrictedEngine(new MemoryEngine(), StorageCapabilities.Read | StorageCapabilities.Write | StorageCapabilities.List | StorageCapabilities.OrderedList | StorageCapabilities.RecursiveList));
}
