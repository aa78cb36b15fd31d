using Atomiton.Storage.Cached;
using Atomiton.Storage.Memory;

namespace Atomiton.Storage.Tests.Cached;

public sealed class CachedDeleteManyTests
{
    [Fact]
    public async Task A_batch_delete_invalidates_every_cached_key()
    {
        var memory = new MemoryEngine();
        await using var engine = new CachedEngine(memory, new CachedOptions(), ownsInner: false);
        await engine.SaveAsync("a", new byte[] { 1 });
        await engine.SaveAsync("b", new byte[] { 2 });
        await engine.LoadBytesAsync("a");
        await engine.LoadBytesAsync("b");

        var results = await engine.DeleteManyAsync(["a", "b"]);

        Assert.All(results, result => Assert.True(result.Deleted));
        Assert.False(await engine.ExistsAsync("a"));
        var missing = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("b"));
        Assert.Equal(StorageErrorCode.NotFound, missing.Code);
    }
}
