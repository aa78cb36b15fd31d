namespace Atomiton.Storage.Encrypted;

/// <summary>A read-only stream that discards the first bytes of another (for ranges over engines without ranged reads).</summary>
internal sealed class SkippingStream(Stream inner, long skip) : Stream
{
    private long _toSkip = skip;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        while (_toSkip > 0)
        {
            int read = inner.Read(buffer, offset, (int)Math.Min(count, _toSkip));
            if (read == 0)
            {
                return 0;
            }

            _toSkip -= read;
        }

        return inner.Read(buffer, offset, count);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_toSkip > 0)
        {
            int read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _toSkip)], cancellationToken);
            if (read == 0)
            {
                return 0;
            }

            _toSkip -= read;
        }

        return await inner.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
