using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>The read-only kit over seeded memory listed unordered with tokens and without ranged reads: gated cases check the refusals.</summary>
public sealed class ReadOnlyUnorderedConformanceTests : ReadOnlyStorageConformanceTests
{
    protected override async ValueTask<IStorageEngine> CreateEngineAsync(IReadOnlyDictionary<string, byte[]> content) =>
        new RestrictedEngine(
            new UnorderedTokenEngine(await ReadOnlyMemoryConformanceTests.SeedAsync(new MemoryEngine(), content)),
            StorageCapabilities.Read | StorageCapabilities.List | StorageCapabilities.RecursiveList);
}
