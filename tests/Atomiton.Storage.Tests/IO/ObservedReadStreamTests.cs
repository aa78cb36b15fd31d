using Atomiton.Storage.IO;

namespace Atomiton.Storage.Tests.IO;

public sealed class ObservedReadStreamTests
{
    private sealed class Recording(Stream inner, bool leaveOpen) : ObservedReadStream(inner, leaveOpen)
    {
        public List<byte[]> Chunks { get; } = [];

        protected override void OnRead(ReadOnlySpan<byte> chunk) => Chunks.Add(chunk.ToArray());
    }

    private sealed class DisposeTracking(byte[] bytes) : MemoryStream(bytes)
    {
        public int Disposals { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposals++;
            base.Dispose(disposing);
        }
    }

    [Fact]
    public async Task Every_read_form_passes_the_bytes_through_and_shows_each_chunk_including_the_end()
    {
        using var stream = new Recording(new MemoryStream([1, 2, 3, 4, 5, 6, 7]), leaveOpen: false);
        var buffer = new byte[2];

        Assert.Equal(2, stream.Read(buffer, 0, 2));
        Assert.Equal(2, stream.Read(buffer.AsSpan()));
#pragma warning disable CA1835 // the array overload is under test
        Assert.Equal(2, await stream.ReadAsync(buffer, 0, 2));
#pragma warning restore CA1835
        Assert.Equal(1, await stream.ReadAsync(buffer.AsMemory()));
        Assert.Equal(0, await stream.ReadAsync(buffer.AsMemory()));

        Assert.Equal([[1, 2], [3, 4], [5, 6], [7], []], stream.Chunks);
    }

    [Fact]
    public void Array_reads_check_their_arguments()
    {
        using var stream = new Recording(new MemoryStream([1, 2, 3]), leaveOpen: false);

        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Read(new byte[2], 1, 2));
        Assert.Throws<ArgumentNullException>(() => { _ = stream.ReadAsync(null!, 0, 1); }); // thrown before any task exists
        Assert.Empty(stream.Chunks);
    }

    [Fact]
    public void It_is_forward_only_and_read_only_and_says_so()
    {
        using var stream = new Recording(new MemoryStream([1]), leaveOpen: false);

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Contains("forward only", Assert.Throws<NotSupportedException>(() => stream.Length).Message, StringComparison.Ordinal);
        Assert.Contains("forward only", Assert.Throws<NotSupportedException>(() => stream.Position).Message, StringComparison.Ordinal);
        Assert.Contains("cannot seek", Assert.Throws<NotSupportedException>(() => stream.Position = 0).Message, StringComparison.Ordinal);
        Assert.Contains("cannot seek", Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin)).Message, StringComparison.Ordinal);
        Assert.Contains("read-only", Assert.Throws<NotSupportedException>(() => stream.SetLength(0)).Message, StringComparison.Ordinal);
        Assert.Contains("read-only", Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1)).Message, StringComparison.Ordinal);
        stream.Flush();
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public async Task Disposing_disposes_the_inner_stream_unless_left_open(bool leaveOpen, int expectedDisposals)
    {
        var inner = new DisposeTracking([1]);
        new Recording(inner, leaveOpen).Dispose();
        Assert.Equal(expectedDisposals, inner.Disposals);

        var innerAsync = new DisposeTracking([1]);
        await new Recording(innerAsync, leaveOpen).DisposeAsync();
        Assert.Equal(expectedDisposals, innerAsync.Disposals);
    }

    [Fact]
    public void A_null_inner_stream_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new Recording(null!, leaveOpen: false));
    }
}
