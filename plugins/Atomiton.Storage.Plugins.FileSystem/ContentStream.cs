using Microsoft.Win32.SafeHandles;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// A read-only view of <c>length</c> bytes of an object file starting at offset <c>start</c>, so
/// callers never see the header or bytes past the requested range. Reads are positional (pread), so
/// there is no file position to keep in step and no buffering layer between the caller and the
/// page cache; they complete synchronously, as local-file reads do on Unix. Seekable within the range
/// (so callers can size buffers from <see cref="Length"/>). Owns the file handle.
/// </summary>
internal sealed class ContentStream : Stream
{
    private readonly SafeFileHandle _file;
    private readonly long _start;
    private readonly long _length;
    private long _position;

    public ContentStream(SafeFileHandle file, long start, long length)
    {
        _file = file;
        _start = start;
        _length = length;
    }

    public override bool CanRead => !_file.IsClosed;

    public override bool CanSeek => !_file.IsClosed;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_file.IsClosed, this);
        int count = (int)Math.Min(buffer.Length, _length - _position);
        if (count <= 0)
        {
            return 0;
        }

        int n = RandomAccess.Read(_file, buffer[..count], _start + _position);
        _position += n;
        return n;
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult(Read(buffer.Span));
        }
        catch (Exception e)
        {
            return ValueTask.FromException<int>(e);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_file.IsClosed, this);
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        _position = Math.Min(target, _length);
        return _position;
    }

    public override void SetLength(long value) => throw new NotSupportedException("This content stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("This content stream is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
