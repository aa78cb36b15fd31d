using Atomiton.Storage.IO;

namespace Atomiton.Storage.Encrypted;

/// <summary>A read-only stream that discards the first bytes of another (for ranges over engines without ranged reads).</summary>
internal sealed class SkippingStream(Stream inner, long skip) : ReadOnlyStream
{
    private long _toSkip = skip;

    public override int Read(Span<byte> buffer)
    {
        while (_toSkip > 0)
        {
            int read = inner.Read(buffer[..(int)Math.Min(buffer.Length, _toSkip)]);
            if (read == 0)
            {
                return 0;
            }

            _toSkip -= read;
        }

        return inner.Read(buffer);
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
