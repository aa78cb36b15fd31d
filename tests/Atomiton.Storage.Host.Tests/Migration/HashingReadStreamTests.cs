using System.Security.Cryptography;
using Atomiton.Storage.Host.Migration;

namespace Atomiton.Storage.Host.Tests.Migration;

public sealed class HashingReadStreamTests
{
    private static readonly byte[] Content = CreateContent();

    [Fact]
    public void Synchronous_reads_hash_exactly_the_bytes_read()
    {
        using var stream = new HashingReadStream(new MemoryStream(Content));
        var buffer = new byte[100];

        Assert.Equal(100, stream.Read(buffer, 0, 100));
        Assert.Equal(SHA256.HashData(Content.AsSpan(0, 100)), stream.GetHash());
        while (stream.Read(buffer.AsSpan()) > 0)
        {
        }

        Assert.Equal(SHA256.HashData(Content), stream.GetHash());
    }

    [Fact]
    public async Task Asynchronous_reads_hash_exactly_the_bytes_read()
    {
        await using var stream = new HashingReadStream(new MemoryStream(Content));
        var buffer = new byte[64];

#pragma warning disable CA1835 // the array overload is the one under test here
        Assert.Equal(64, await stream.ReadAsync(buffer, 0, 64));
#pragma warning restore CA1835
        while (await stream.ReadAsync(buffer.AsMemory()) > 0)
        {
        }

        Assert.Equal(SHA256.HashData(Content), stream.GetHash());
    }

    [Fact]
    public void It_is_a_forward_only_read_only_stream()
    {
        using var stream = new HashingReadStream(new MemoryStream(Content));

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        stream.Flush();
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Position);
        Assert.Throws<NotSupportedException>(() => stream.Position = 0);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.SetLength(0));
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
    }

    private static byte[] CreateContent()
    {
        var content = new byte[1000];
        new Random(1000).NextBytes(content);
        return content;
    }
}
