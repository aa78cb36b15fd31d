namespace Atomiton.Storage.Mock;

/// <summary>
/// A read-only view of a save's content that fails with QuotaExceeded once more than
/// <c>allowance</c> bytes have been read, so the engine beneath aborts the save and writes nothing.
/// </summary>
internal sealed class QuotaLimitedStream(Stream source, long allowance, Func<long, StorageException> quotaError) : Stream
{
    private long _read;

    /// <summary>True once the content ran past the allowance.</summary>
    public bool Exceeded { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Counted(source.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Counted(source.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await source.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Counted(int read)
    {
        _read += read;
        if (_read > allowance)
        {
            Exceeded = true;
            throw quotaError(_read);
        }

        return read;
    }
}
