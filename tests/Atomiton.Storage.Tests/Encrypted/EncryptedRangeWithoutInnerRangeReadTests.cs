using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>
/// The encrypted engine always offers ranged reads. Over a backend without them it reads the whole
/// stored object, decrypts from the first segment and discards the bytes before the range.
/// </summary>
public sealed class EncryptedRangeWithoutInnerRangeReadTests
{
    private const int Size = (2 * EncryptedFormat.SegmentSize) + 100;

    public static TheoryData<string, ByteRange> Ranges => new()
    {
        { "head", ByteRange.From(0, 10) },
        { "inside the first segment", ByteRange.From(1000, 500) },
        { "across a segment boundary", ByteRange.From(EncryptedFormat.SegmentSize - 7, 20) },
        { "inside the last segment", ByteRange.From((2 * EncryptedFormat.SegmentSize) + 3, 50) },
        { "across all segments", ByteRange.From(5, Size - 10) },
        { "open-ended", ByteRange.From(EncryptedFormat.SegmentSize + 1) },
        { "suffix", ByteRange.Suffix(150) },
        { "longer than the object", ByteRange.From(Size - 4, 1000) },
    };

    [Fact]
    public async Task The_encrypted_engine_offers_ranges_even_when_its_backend_does_not()
    {
        var backend = new NoRangeReadEngine(new MemoryEngine());
        await using var engine = await WithKeyAsync(backend);

        Assert.False(backend.Supports(StorageCapabilities.RangeRead));
        Assert.True(engine.Supports(StorageCapabilities.RangeRead));
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public async Task A_range_returns_exactly_the_requested_plaintext(string what, ByteRange range)
    {
        var (_, engine, content) = await StoreAsync();
        var (start, length) = range.Resolve(Size);

        var bytes = await engine.LoadBytesAsync("obj", new ReadOptions { Range = range });

        Assert.True(content.AsSpan((int)start, (int)length).SequenceEqual(bytes), $"range {what} ({range}) returned wrong bytes");
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public async Task A_range_read_synchronously_in_small_chunks_returns_the_requested_plaintext(string what, ByteRange range)
    {
        var (_, engine, content) = await StoreAsync();
        var (start, length) = range.Resolve(Size);
        await using var read = await engine.OpenReadAsync("obj", new ReadOptions { Range = range });

        var bytes = ReadSynchronously(read.Content, chunk: 777);

        Assert.True(content.AsSpan((int)start, (int)length).SequenceEqual(bytes), $"range {what} ({range}) returned wrong bytes");
        Assert.Equal(Size, read.Item.Size);
    }

    [Fact]
    public async Task An_empty_range_returns_no_bytes()
    {
        var (_, engine, _) = await StoreAsync();

        Assert.Empty(await engine.LoadBytesAsync("obj", new ReadOptions { Range = ByteRange.From(500, 0) }));
        Assert.Empty(await engine.LoadBytesAsync("obj", new ReadOptions { Range = ByteRange.From(Size + 10) }));
    }

    [Fact]
    public async Task A_range_of_a_small_object_returns_its_slice()
    {
        var backend = new NoRangeReadEngine(new MemoryEngine());
        await using var engine = await WithKeyAsync(backend);
        await engine.SaveAsync("small", "0123456789"u8.ToArray());

        Assert.Equal("3456"u8.ToArray(), await engine.LoadBytesAsync("small", new ReadOptions { Range = ByteRange.From(3, 4) }));
    }

    [Fact]
    public async Task Damage_before_the_range_fails_the_read_because_every_earlier_segment_is_authenticated()
    {
        var (memory, engine, _) = await StoreAsync();
        var stored = await memory.LoadBytesAsync("obj");
        stored[EncryptedFormat.HeaderSize + 10] ^= 0x01;
        await memory.SaveAsync("obj", stored);

        var error = await Assert.ThrowsAsync<StorageException>(async () =>
            await engine.LoadBytesAsync("obj", new ReadOptions { Range = ByteRange.From((2 * EncryptedFormat.SegmentSize) + 1, 10) }));

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Equal("obj", error.Key);
        Assert.Contains("segment 0 failed authentication", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_range_of_a_wrong_key_object_fails_with_AuthenticationFailed()
    {
        var memory = new MemoryEngine();
        var backend = new NoRangeReadEngine(memory);
        await using var writer = await WithKeyAsync(backend, KeyA);
        await writer.SaveAsync("obj", Content(100));
        await using var reader = await WithKeyAsync(backend, KeyB);

        var error = await Assert.ThrowsAsync<StorageException>(async () =>
            await reader.LoadBytesAsync("obj", new ReadOptions { Range = ByteRange.From(10, 10) }));

        Assert.Equal(StorageErrorCode.AuthenticationFailed, error.Code);
        Assert.Contains("wrong key or passphrase", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyB, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_range_stream_is_forward_only_and_read_only()
    {
        var (_, engine, _) = await StoreAsync();
        await using var read = await engine.OpenReadAsync("obj", new ReadOptions { Range = ByteRange.From(10, 10) });
        var stream = read.Content;

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Position);
        Assert.Throws<NotSupportedException>(() => stream.Position = 0);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.SetLength(1));
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
        stream.Flush();
    }

    [Fact]
    public async Task The_range_stream_reads_through_the_array_overload_of_ReadAsync()
    {
        var (_, engine, content) = await StoreAsync();
        await using var read = await engine.OpenReadAsync("obj", new ReadOptions { Range = ByteRange.From(EncryptedFormat.SegmentSize - 2, 4) });
        var buffer = new byte[10];

#pragma warning disable CA1835 // the array overload is the one under test: callers such as Stream.CopyToAsync use it
        int first = await read.Content.ReadAsync(buffer, 1, 3, CancellationToken.None);
        int second = await read.Content.ReadAsync(buffer, 1 + first, 9 - first, CancellationToken.None);
        int end = await read.Content.ReadAsync(buffer, 0, 10, CancellationToken.None);
#pragma warning restore CA1835

        Assert.Equal(4, first + second);
        Assert.Equal(0, end);
        Assert.Equal(content.AsSpan(EncryptedFormat.SegmentSize - 2, 4).ToArray(), buffer.AsSpan(1, 4).ToArray());
    }

    [Fact]
    public async Task Disposing_a_range_stream_releases_the_backend_stream()
    {
        var memory = new MemoryEngine();
        var backend = new NoRangeReadEngine(memory);
        await using var engine = await WithKeyAsync(backend);
        await engine.SaveAsync("obj", Content(1000));

        var read = await engine.OpenReadAsync("obj", new ReadOptions { Range = ByteRange.From(10, 10) });
        var backendStream = backend.LastContent!;
        Assert.True(backendStream.CanRead);
        read.Dispose();

        Assert.False(backendStream.CanRead);
    }

    private static async Task<(MemoryEngine Memory, EncryptedEngine Engine, byte[] Content)> StoreAsync()
    {
        var memory = new MemoryEngine();
        var engine = await WithKeyAsync(new NoRangeReadEngine(memory));
        var content = Content(Size);
        await engine.SaveAsync("obj", content);
        return (memory, engine, content);
    }

    private static byte[] ReadSynchronously(Stream stream, int chunk)
    {
        using var output = new MemoryStream();
        var buffer = new byte[chunk];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }
}
