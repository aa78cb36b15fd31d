namespace Atomiton.Storage.Testing;

/// <summary>
/// A read-only, non-seekable source of unknown length that generates deterministic content on the
/// fly (so a large object never sits in the test's memory), and can fail or trigger a cancellation
/// at a chosen position. It honours the cancellation token of every read, as network streams do.
/// </summary>
internal sealed class SourceStream : Stream
{
    private readonly long _length;
    private readonly int _seed;
    private readonly int _maxRead;
    private readonly long _failAt;
    private readonly Action? _atFailPoint;
    private long _position;

    /// <param name="length">How many bytes the source yields.</param>
    /// <param name="seed">Selects the content; see <see cref="Fill"/>.</param>
    /// <param name="maxRead">The most bytes one read returns (short reads, as from a network).</param>
    /// <param name="failAt">The position at which <paramref name="atFailPoint"/> runs (or an <see cref="IOException"/> is thrown when it is null); -1 for never.</param>
    /// <param name="atFailPoint">What happens at <paramref name="failAt"/> instead of throwing, such as cancelling a token.</param>
    public SourceStream(long length, int seed = 7, int maxRead = int.MaxValue, long failAt = -1, Action? atFailPoint = null)
    {
        _length = length;
        _seed = seed;
        _maxRead = maxRead;
        _failAt = failAt;
        _atFailPoint = atFailPoint;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("The source's length is unknown until it ends.");

    public override long Position
    {
        get => throw new NotSupportedException("The source cannot seek.");
        set => throw new NotSupportedException("The source cannot seek.");
    }

    /// <summary>The deterministic content at <paramref name="position"/>: the same bytes whatever the read sizes.</summary>
    public static void Fill(Span<byte> destination, long position, int seed)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            ulong x = (ulong)(position + i) + ((ulong)seed * 0x9E3779B97F4A7C15UL);
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            destination[i] = (byte)(x ^ (x >> 31));
        }
    }

    /// <summary>The whole content of a source of <paramref name="length"/> bytes, for small sources.</summary>
    public static byte[] Expected(int length, int seed = 7)
    {
        var bytes = new byte[length];
        Fill(bytes, 0, seed);
        return bytes;
    }

    public override int Read(Span<byte> buffer)
    {
        if (_failAt >= 0 && _position >= _failAt)
        {
            if (_atFailPoint is null)
            {
                throw new IOException($"The source failed on purpose at byte {_position} (conformance kit).");
            }

            _atFailPoint();
        }

        long limit = _failAt >= 0 && _position < _failAt ? _failAt : _length;
        int count = (int)Math.Min(Math.Min(buffer.Length, _maxRead), limit - _position);
        if (count <= 0)
        {
            return 0;
        }

        Fill(buffer[..count], _position, _seed);
        _position += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int read = Read(buffer.Span);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("The source cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("The source is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The source is read-only.");
}
