using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>The plaintext stream a whole-object load returns: synchronous reads, its members, disposal.</summary>
public sealed class DecryptingStreamTests
{
    public static TheoryData<int, int> SizesAndChunks => new()
    {
        { 0, 16 },
        { 1, 1 },
        { 1000, 7 },
        { EncryptedFormat.SegmentSize, 4096 },
        { (2 * EncryptedFormat.SegmentSize) + 100, 10_000 },
        { (2 * EncryptedFormat.SegmentSize) + 100, EncryptedFormat.SegmentSize * 3 },
    };

    [Theory]
    [MemberData(nameof(SizesAndChunks))]
    public async Task Synchronous_reads_of_any_chunk_size_return_the_plaintext(int size, int chunk)
    {
        await using var engine = await WithKeyAsync(new MemoryEngine());
        var content = Content(size);
        await engine.SaveAsync("obj", content);
        await using var read = await engine.OpenReadAsync("obj");

        Assert.Equal(content, ReadWithArrays(read.Content, chunk));
    }

    [Fact]
    public async Task Span_reads_return_the_plaintext_and_then_zero()
    {
        await using var engine = await WithKeyAsync(new MemoryEngine());
        var content = Content(EncryptedFormat.SegmentSize + 10);
        await engine.SaveAsync("obj", content);
        await using var read = await engine.OpenReadAsync("obj");
        var output = new byte[content.Length];

        int total = 0;
        int got;
        while ((got = read.Content.Read(output.AsSpan(total, Math.Min(5000, output.Length - total)))) > 0)
        {
            total += got;
        }

        Assert.Equal(content.Length, total);
        Assert.Equal(content, output);
        Assert.Equal(0, read.Content.Read(new byte[10], 0, 10));
    }

    [Fact]
    public async Task Reads_through_the_array_overload_of_ReadAsync_return_the_plaintext()
    {
        await using var engine = await WithKeyAsync(new MemoryEngine());
        var content = Content(EncryptedFormat.SegmentSize + 300);
        await engine.SaveAsync("obj", content);
        await using var read = await engine.OpenReadAsync("obj");
        using var output = new MemoryStream();
        var buffer = new byte[4000];

        int got;
#pragma warning disable CA1835 // the array overload is the one under test
        while ((got = await read.Content.ReadAsync(buffer, 0, buffer.Length, CancellationToken.None)) > 0)
#pragma warning restore CA1835
        {
            output.Write(buffer, 0, got);
        }

        Assert.Equal(content, output.ToArray());
    }

    [Fact]
    public async Task An_object_truncated_at_a_segment_boundary_read_synchronously_returns_the_authentic_segment_then_fails_with_Integrity()
    {
        var inner = new MemoryEngine();
        await using var engine = await WithKeyAsync(new NoRangeReadEngine(inner));
        var content = Content((2 * EncryptedFormat.SegmentSize) + 100);
        await engine.SaveAsync("obj", content);
        var stored = await inner.LoadBytesAsync("obj");

        // Drop the final segment: a valid size (two full segments) whose last one was not sealed as final.
        await inner.SaveAsync("obj", stored.AsMemory(0, stored.Length - 100 - EncryptedFormat.TagSize));
        await using var read = await engine.OpenReadAsync("obj");
        var first = new byte[EncryptedFormat.SegmentSize];
        int got = read.Content.Read(first, 0, first.Length);
        var error = Assert.Throws<StorageException>(() => ReadWithArrays(read.Content, 1000));

        Assert.Equal(EncryptedFormat.SegmentSize, got);
        Assert.Equal(content.AsSpan(0, got).ToArray(), first);
        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Equal("obj", error.Key);
        Assert.Contains("segment 1 failed authentication", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flipped_bit_fails_a_synchronous_read_with_Integrity_instead_of_ending_the_stream_early()
    {
        var inner = new MemoryEngine();
        await using var engine = await WithKeyAsync(inner);
        await engine.SaveAsync("obj", Content(1000));
        var stored = await inner.LoadBytesAsync("obj");
        stored[EncryptedFormat.HeaderSize + 500] ^= 0x01;
        await inner.SaveAsync("obj", stored);
        await using var read = await engine.OpenReadAsync("obj");

        var error = Assert.Throws<StorageException>(() => ReadWithArrays(read.Content, 100));

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Equal("obj", error.Key);
        Assert.Contains("segment 0 failed authentication", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_plaintext_stream_is_forward_only_and_read_only()
    {
        await using var engine = await WithKeyAsync(new MemoryEngine());
        await engine.SaveAsync("obj", Content(10));
        await using var read = await engine.OpenReadAsync("obj");
        var stream = read.Content;

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Position);
        Assert.Throws<NotSupportedException>(() => stream.Position = 3);
        Assert.Throws<NotSupportedException>(() => stream.Seek(1, SeekOrigin.Current));
        Assert.Throws<NotSupportedException>(() => stream.SetLength(0));
        Assert.Throws<NotSupportedException>(() => stream.Write([1, 2], 0, 2));
        stream.Flush();
        Assert.Equal(Content(10), ReadWithArrays(stream, 3));
    }

    [Fact]
    public async Task Disposing_the_plaintext_stream_synchronously_releases_the_backend_stream()
    {
        var backend = new NoRangeReadEngine(new MemoryEngine());
        await using var engine = await WithKeyAsync(backend);
        await engine.SaveAsync("obj", Content(10));

        var read = await engine.OpenReadAsync("obj");
        var backendStream = backend.LastContent!;
        read.Dispose();

        Assert.False(backendStream.CanRead);
    }

    private static byte[] ReadWithArrays(Stream stream, int chunk)
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
