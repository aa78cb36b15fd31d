using Atomiton.Storage.IO;

namespace Atomiton.Storage.Mock;

/// <summary>
/// A read-only view of a save's content that fails with QuotaExceeded once more than
/// <c>allowance</c> bytes have been read, so the engine beneath aborts the save and writes nothing.
/// The caller's content stream is left open.
/// </summary>
internal sealed class QuotaLimitedStream(Stream source, long allowance, Func<long, StorageException> quotaError)
    : ObservedReadStream(source, leaveOpen: true)
{
    private long _read;

    /// <summary>True once the content ran past the allowance.</summary>
    public bool Exceeded { get; private set; }

    /// <summary>The bytes read so far; setting it is not supported.</summary>
    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException("This stream is read forward only; it cannot seek.");
    }

    protected override void OnRead(ReadOnlySpan<byte> chunk)
    {
        _read += chunk.Length;
        if (_read > allowance)
        {
            Exceeded = true;
            throw quotaError(_read);
        }
    }
}
