using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>The read-only kit over seeded memory behind a wrapper that declares neither Write nor Delete.</summary>
public sealed class ReadOnlyMemoryConformanceTests : ReadOnlyStorageConformanceTests
{
    internal const StorageCapabilities ReadOnly = StorageCapabilities.Read | StorageCapabilities.List | StorageCapabilities.OrderedList
        | StorageCapabilities.RecursiveList | StorageCapabilities.ShallowList | StorageCapabilities.RangeRead | StorageCapabilities.ConditionalRead;

    protected override async ValueTask<IStorageEngine> CreateEngineAsync(IReadOnlyDictionary<string, byte[]> content) =>
        new RestrictedEngine(await SeedAsync(new MemoryEngine(), content), ReadOnly);

    internal static async Task<IStorageEngine> SeedAsync(IStorageEngine engine, IReadOnlyDictionary<string, byte[]> content)
    {
        foreach (var (key, bytes) in content)
        {
            await engine.SaveAsync(key, new ReadOnlyMemory<byte>(bytes));
        }

        return engine;
    }
}
