namespace Atomiton.Storage.IO;

/// <summary>
/// Base of a forward-only, read-only stream: a subclass implements the span and memory reads; the
/// array overloads route to them, and seeking, length, position and writing throw
/// <see cref="NotSupportedException"/>. Engines and wrappers use it for content they produce or
/// transform on the fly (decryption, quota checks, progress, hashing).
/// </summary>
public abstract class ReadOnlyStream : Stream
{
    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException("This stream is read forward only; its length is not known.");

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException("This stream is read forward only; it has no position.");
        set => throw new NotSupportedException("This stream is read forward only; it cannot seek.");
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc />
    public abstract override int Read(Span<byte> buffer);

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>Does nothing: a read-only stream has nothing to flush.</summary>
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("This stream is read forward only; it cannot seek.");

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException("This stream is read-only.");

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("This stream is read-only.");
}

/// <summary>
/// A forward-only, read-only pass-through over another stream that lets a subclass observe every
/// chunk read (counting, hashing, progress, quota checks). Disposing it disposes the inner stream
/// unless <c>leaveOpen</c> was set.
/// </summary>
/// <param name="inner">The stream read from.</param>
/// <param name="leaveOpen">True to leave <paramref name="inner"/> open when this stream is disposed.</param>
public abstract class ObservedReadStream(Stream inner, bool leaveOpen = false) : ReadOnlyStream
{
    private bool _innerReleased = leaveOpen;

    /// <summary>The stream read from.</summary>
    protected Stream Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        int read = Inner.Read(buffer);
        OnRead(buffer[..read]);
        return read;
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        OnRead(buffer.Span[..read]);
        return read;
    }

    /// <summary>Called after every read with the bytes it returned (empty at the end of the stream); may throw to fail the read.</summary>
    protected abstract void OnRead(ReadOnlySpan<byte> chunk);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_innerReleased)
        {
            _innerReleased = true;
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (!_innerReleased)
        {
            _innerReleased = true;
            await Inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
