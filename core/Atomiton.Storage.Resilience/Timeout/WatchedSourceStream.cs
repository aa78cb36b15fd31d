namespace Atomiton.Storage.Resilience.Timeout;

/// <summary>A save's content as the engine beneath reads it: each read feeds the <see cref="TransferWatchdog"/>. The caller's stream is left open.</summary>
internal sealed class WatchedSourceStream(Stream inner, TransferWatchdog watchdog) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Observe(inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Observe(await inner.ReadAsync(buffer, cancellationToken));

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("A save's content is read only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A save's content is read only.");

    private int Observe(int read)
    {
        if (read > 0)
        {
            watchdog.Progressed();
        }
        else
        {
            watchdog.Ended();
        }

        return read;
    }
}
