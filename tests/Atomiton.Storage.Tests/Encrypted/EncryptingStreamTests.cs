using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>The stream a save hands to the backend: the stored form, read through any overload, and nothing else.</summary>
public sealed class EncryptingStreamTests
{
    private static readonly EncryptionKey RingKey = new("k1", Convert.FromBase64String(KeyA));

    [Theory]
    [InlineData(0, 10)]
    [InlineData(100, 1)]
    [InlineData(EncryptedFormat.SegmentSize + 1, 1000)]
    [InlineData((2 * EncryptedFormat.SegmentSize) + 100, EncryptedFormat.EncryptedSegmentSize + 50)]
    public async Task Reading_through_the_array_overload_of_ReadAsync_yields_an_object_the_engine_decrypts(int size, int chunk)
    {
        var content = Content(size);
        using var stream = new EncryptingStream(new MemoryStream(content), ObjectCipher.ForWrite(RingKey, "obj"), size, "obj");

        var stored = await ReadWithArraysAsync(stream, chunk);

        Assert.Equal(EncryptedFormat.CiphertextLength(size), stored.Length);
        Assert.True(EncryptedFormat.Magic.SequenceEqual(stored.AsSpan(0, 4)));
        var memory = new MemoryEngine();
        await memory.SaveAsync("obj", stored);
        await using var engine = await WithKeyAsync(memory);
        Assert.Equal(content, await engine.LoadBytesAsync("obj"));
    }

    [Fact]
    public async Task The_stored_form_is_bound_to_the_object_key_it_was_written_for()
    {
        using var stream = new EncryptingStream(new MemoryStream(Content(10)), ObjectCipher.ForWrite(RingKey, "original"), null, "original");
        var memory = new MemoryEngine();
        await memory.SaveAsync("elsewhere", await ReadWithArraysAsync(stream, 64));
        await using var engine = await WithKeyAsync(memory);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("elsewhere"));

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Equal("elsewhere", error.Key);
    }

    [Fact]
    public void The_stream_is_forward_only_and_read_only()
    {
        using var stream = new EncryptingStream(new MemoryStream(Content(10)), ObjectCipher.ForWrite(RingKey, "obj"), 10, "obj");

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Position);
        Assert.Throws<NotSupportedException>(() => stream.Position = 1);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.End));
        Assert.Throws<NotSupportedException>(() => stream.SetLength(5));
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
        stream.Flush();
    }

    [Fact]
    public void A_source_shorter_than_its_expected_length_fails_a_synchronous_read_naming_the_key_and_both_lengths()
    {
        using var stream = new EncryptingStream(new MemoryStream(Content(10)), ObjectCipher.ForWrite(RingKey, "docs/a"), 12, "docs/a");

        var buffer = new byte[1000];
        int header = stream.Read(buffer, 0, buffer.Length);
        var error = Assert.Throws<StorageException>(() => stream.Read(buffer, 0, buffer.Length));

        Assert.Equal(EncryptedFormat.HeaderSize, header);

        Assert.Equal(StorageErrorCode.InvalidArgument, error.Code);
        Assert.Equal("docs/a", error.Key);
        Assert.Contains("only 10 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("ExpectedLength is 12", error.Message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadWithArraysAsync(Stream stream, int chunk)
    {
        using var output = new MemoryStream();
        var buffer = new byte[chunk];
        int read;
#pragma warning disable CA1835 // the array overload is the one under test: Stream.CopyToAsync and many backends use it
        while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, CancellationToken.None)) > 0)
#pragma warning restore CA1835
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }
}
