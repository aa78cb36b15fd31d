using Atomiton.Storage.Memory;
using Atomiton.Storage.Tests.Testing;

namespace Atomiton.Storage.Tests.Abstractions;

public sealed class StorageEngineExtensionsTests
{
    [Fact]
    public async Task Byte_forms_save_and_load_including_a_slice_of_a_larger_array()
    {
        await using var engine = new MemoryEngine();
        var buffer = new byte[] { 0, 1, 2, 3, 4 };

        await engine.SaveAsync("slice", new ReadOnlyMemory<byte>(buffer, 1, 3));

        Assert.Equal(new byte[] { 1, 2, 3 }, await engine.LoadBytesAsync("slice"));
    }

    [Fact]
    public async Task ReadAll_reads_streams_that_are_not_memory_streams_and_the_rest_of_a_started_one()
    {
        await using var engine = new BufferingReadEngine(new MemoryEngine());
        var content = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        await engine.SaveAsync("k", content);

        await using var result = await engine.OpenReadAsync("k");
        result.Content.ReadByte();
        Assert.Equal(content[1..], await result.ReadAllAsync());

        await using var unseekable = new StorageReadResult(result.Item, new BufferedStream(new MemoryStream(content)));
        Assert.Equal(content, await unseekable.ReadAllAsync());
    }

    [Fact]
    public async Task DeletePrefix_deletes_a_subtree_larger_than_one_batch_and_nothing_else()
    {
        await using var engine = new MemoryEngine();
        for (int i = 0; i < 600; i++)
        {
            await engine.SaveAsync($"dir/{i:D4}", new byte[] { 1 });
        }

        await engine.SaveAsync("dir-other/x", new byte[] { 1 });
        await engine.SaveAsync("dirt", new byte[] { 1 });

        Assert.Equal(600, await engine.DeletePrefixAsync("dir/"));
        Assert.Equal(2, engine.Count);
        Assert.Equal(0, await engine.DeletePrefixAsync("dir/"));
    }

    [Fact]
    public async Task Supports_checks_every_flag()
    {
        await using var engine = new MemoryEngine();
        Assert.True(engine.Supports(StorageCapabilities.Read | StorageCapabilities.RangeRead));
        Assert.False(engine.Supports(StorageCapabilities.Read | StorageCapabilities.Persistent));
    }

    [Fact]
    public async Task Helpers_refuse_a_null_engine_or_result()
    {
        IStorageEngine engine = null!;
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await engine.SaveAsync("k", ReadOnlyMemory<byte>.Empty));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await engine.LoadBytesAsync("k"));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await engine.DeletePrefixAsync("p"));
        Assert.Throws<ArgumentNullException>(() => engine.Supports(StorageCapabilities.Read));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await ((StorageReadResult)null!).ReadAllAsync());
        await using var memory = new MemoryEngine();
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await memory.DeletePrefixAsync(null!));
    }
}
