using System.Runtime.ExceptionServices;

namespace Atomiton.Storage.Plugins.Shared;

/// <summary>
/// A forward-only stream of bytes already read, then the rest of the source (not owned). What the source throws is
/// kept (<see cref="SourceError"/>), so a caller that hands this stream to someone else (an HTTP client, a server's
/// response) can tell the source's own failure from the transfer's.
/// </summary>
internal sealed class PrefixedStream(byte[] head, Stream rest) : Stream
{
    private int _position;

    /// <summary>What the rest of the source threw, if it did.</summary>
    public ExceptionDispatchInfo? SourceError { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position < head.Length)
        {
            int n = Math.Min(buffer.Length, head.Length - _position);
            head.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        try
        {
            return rest.Read(buffer);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SourceError = ExceptionDispatchInfo.Capture(e);
            throw;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position < head.Length)
        {
            int n = Math.Min(buffer.Length, head.Length - _position);
            head.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        try
        {
            return await rest.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SourceError = ExceptionDispatchInfo.Capture(e);
            throw;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
