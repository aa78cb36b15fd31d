using Atomiton.Storage.Cached;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Tests.Support;

namespace Atomiton.Storage.Tests.Cached;

internal static class CachedTestEngines
{
    public static async Task<CachedEngine> CreateAsync(IStorageEngine inner, CachedOptions? options = null, TimeProvider? time = null) =>
        (CachedEngine)await new CachedProvider().CreateAsync(
            options ?? new CachedOptions(),
            new StorageProviderContext { PipelineName = "p", StageName = "s", Inner = inner, TimeProvider = time ?? TimeProvider.System });

    public static (MemoryEngine Memory, CountingEngine Counting) Inner()
    {
        var memory = new MemoryEngine();
        return (memory, new CountingEngine(new SharedEngine(memory)));
    }

    public static byte[] Bytes(int length, int seed = 3)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
