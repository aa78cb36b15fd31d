using System.Text;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Serialization;

namespace Atomiton.Storage.Tests.Serialization;

public sealed class StorageTextExtensionsTests
{
    [Fact]
    public async Task Text_round_trips_as_utf8_without_a_byte_order_mark()
    {
        await using var engine = new MemoryEngine();
        const string Text = "héllo wörld — 日本語 🎉";

        var item = await engine.SaveTextAsync("notes/a.txt", Text);

        Assert.Equal(Text, await engine.LoadTextAsync("notes/a.txt"));
        Assert.Equal(Encoding.UTF8.GetBytes(Text), await engine.LoadBytesAsync("notes/a.txt"));
        Assert.Equal("text/plain; charset=utf-8", item.ContentType);
    }

    [Fact]
    public async Task Empty_text_round_trips()
    {
        await using var engine = new MemoryEngine();

        var item = await engine.SaveTextAsync("empty", "");

        Assert.Equal(0, item.Size);
        Assert.Equal("", await engine.LoadTextAsync("empty"));
    }

    [Fact]
    public async Task Text_save_sets_no_content_type_on_an_engine_without_that_capability()
    {
        await using var engine = new ContentTypeBlindEngine();

        var item = await engine.SaveTextAsync("k", "x");

        Assert.Null(item.ContentType);
    }

    [Fact]
    public async Task Load_drops_a_leading_byte_order_mark()
    {
        await using var engine = new MemoryEngine();
        await engine.SaveAsync("bom", new byte[] { 0xEF, 0xBB, 0xBF, (byte)'h', (byte)'i' });

        Assert.Equal("hi", await engine.LoadTextAsync("bom"));
    }

    [Fact]
    public async Task Invalid_utf8_throws_SerializationError_naming_the_key()
    {
        await using var engine = new MemoryEngine();
        await engine.SaveAsync("bin", new byte[] { (byte)'o', (byte)'k', 0xC3, 0x28 });

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.LoadTextAsync("bin").AsTask());

        Assert.Equal(StorageErrorCode.SerializationError, error.Code);
        Assert.Equal("bin", error.Key);
        Assert.Contains("'bin'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_with_an_unpaired_surrogate_throws_SerializationError_and_writes_nothing()
    {
        await using var engine = new MemoryEngine();

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveTextAsync("k", "bad \uD800 text").AsTask());

        Assert.Equal(StorageErrorCode.SerializationError, error.Code);
        Assert.False(await engine.ExistsAsync("k"));
    }

    [Fact]
    public async Task Null_arguments_are_refused()
    {
        await using var engine = new MemoryEngine();

        await Assert.ThrowsAsync<ArgumentNullException>(() => engine.SaveTextAsync("k", null!).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => StorageTextExtensions.LoadTextAsync(null!, "k").AsTask());
    }
}
