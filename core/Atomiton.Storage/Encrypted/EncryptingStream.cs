using Atomiton.Storage.IO;

namespace Atomiton.Storage.Encrypted;

/// <summary>
/// A read-only stream that yields the stored form (header, then sealed segments) of a plaintext
/// source, one segment at a time, so a save of any size runs in bounded memory. It fails, and so
/// fails the save beneath it, when the source is shorter or longer than an expected length (read
/// through the contract's <see cref="ExactLengthStream"/>).
/// </summary>
internal sealed class EncryptingStream : ReadOnlyStream
{
    private readonly Stream _source;
    private readonly ObjectCipher _cipher;
    private byte[] _plain;
    private byte[] _sealed;
    private readonly byte[] _peekBuffer = new byte[1];
    private int _sealedOffset;
    private int _sealedLength;
    private long _segmentIndex;
    private int _peeked = -1;
    private bool _finished;

    public EncryptingStream(Stream source, ObjectCipher cipher, long? expectedLength, string key)
    {
        _source = new ExactLengthStream(source, key, expectedLength, provider: EncryptedEngine.TypeName);
        _cipher = cipher;

        // Small objects get small buffers; a wrong size hint only costs a reallocation.
        long? hint = expectedLength ?? (source.CanSeek ? Math.Max(0, source.Length - source.Position) : null);
        int first = (int)Math.Min(EncryptedFormat.SegmentSize, hint ?? EncryptedFormat.SegmentSize);
        _plain = new byte[first];
        _sealed = new byte[Math.Max(EncryptedFormat.HeaderSize, first + EncryptedFormat.TagSize)];
        cipher.Header.CopyTo(_sealed, 0);
        _sealedLength = EncryptedFormat.HeaderSize;
    }

    public override int Read(Span<byte> buffer)
    {
        var pending = ReadCoreAsync(buffer.Length, useAsync: false, CancellationToken.None);
        int copied = pending.IsCompleted ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        return Drain(buffer, copied);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_segmentIndex == 0 && _sealedOffset == 0 && !_finished && buffer.Length >= EncryptedFormat.HeaderSize + _plain.Length + EncryptedFormat.TagSize)
        {
            // The first read: header and first sealed segment in one buffer (one write for a small object).
            _cipher.Header.CopyTo(buffer);
            int written = await SealNextSegmentAsync(useAsync: true, buffer[EncryptedFormat.HeaderSize..], cancellationToken);
            return EncryptedFormat.HeaderSize + written;
        }

        if (_sealedOffset == _sealedLength && !_finished && buffer.Length >= _plain.Length + EncryptedFormat.TagSize)
        {
            // A whole sealed segment fits the caller's buffer: encrypt straight into it (no extra copy).
            int written = await SealNextSegmentAsync(useAsync: true, buffer, cancellationToken);
            return written > 0 ? written : Drain(buffer.Span, _sealedLength - _sealedOffset);
        }

        int available = await ReadCoreAsync(buffer.Length, useAsync: true, cancellationToken);
        return Drain(buffer.Span, available);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cipher.Dispose();
            _source.Dispose(); // the length check only: the caller's stream stays open
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _cipher.DisposeAsync();
        await _source.DisposeAsync();
        await base.DisposeAsync();
    }

    private int Drain(Span<byte> buffer, int available)
    {
        int count = Math.Min(buffer.Length, available);
        _sealed.AsSpan(_sealedOffset, count).CopyTo(buffer);
        _sealedOffset += count;
        return count;
    }

    /// <summary>Makes sealed bytes available (sealing the next segment when needed); returns how many.</summary>
    private async ValueTask<int> ReadCoreAsync(int wanted, bool useAsync, CancellationToken cancellationToken)
    {
        if (wanted == 0)
        {
            return 0;
        }

        if (_sealedOffset == _sealedLength && !_finished)
        {
            await SealNextSegmentAsync(useAsync, null, cancellationToken);
        }

        return _sealedLength - _sealedOffset;
    }

    /// <summary>Seals the next segment into <paramref name="destination"/> (returning its length), or into the internal buffer when null.</summary>
    private async ValueTask<int> SealNextSegmentAsync(bool useAsync, Memory<byte>? destination, CancellationToken cancellationToken)
    {
        int filled = 0;
        if (_peeked >= 0)
        {
            _plain[filled++] = (byte)_peeked;
            _peeked = -1;
        }

        bool isFinal;
        while (true)
        {
            filled += await FillAsync(filled, useAsync, cancellationToken);
            if (filled < _plain.Length)
            {
                isFinal = true;
                break;
            }

            // A full buffer is the final segment only if the source ends here: peek one byte to know.
            int read = useAsync ? await _source.ReadAsync(_peekBuffer, cancellationToken) : _source.Read(_peekBuffer, 0, 1);
            if (read == 0)
            {
                isFinal = true;
                break;
            }

            if (_plain.Length == EncryptedFormat.SegmentSize)
            {
                _peeked = _peekBuffer[0];
                isFinal = false;
                break;
            }

            // The size hint was short: only the last segment may be shorter than a full one.
            Array.Resize(ref _plain, EncryptedFormat.SegmentSize);
            _sealed = new byte[EncryptedFormat.EncryptedSegmentSize];
            _plain[filled++] = _peekBuffer[0];
        }

        int sealedLength = filled + EncryptedFormat.TagSize;
        _finished = isFinal;
        if (destination is { } direct && direct.Length >= sealedLength)
        {
            await _cipher.EncryptSegmentAsync(_segmentIndex++, isFinal, _plain.AsMemory(0, filled), direct, cancellationToken);
            _sealedOffset = _sealedLength = 0;
            return sealedLength;
        }

        await _cipher.EncryptSegmentAsync(_segmentIndex++, isFinal, _plain.AsMemory(0, filled), _sealed, cancellationToken);
        _sealedOffset = 0;
        _sealedLength = sealedLength;
        return 0;
    }

    private async ValueTask<int> FillAsync(int filled, bool useAsync, CancellationToken cancellationToken)
    {
        int added = 0;
        while (filled + added < _plain.Length)
        {
            int read = useAsync
                ? await _source.ReadAsync(_plain.AsMemory(filled + added), cancellationToken)
                : _source.Read(_plain, filled + added, _plain.Length - filled - added);
            if (read == 0)
            {
                break;
            }

            added += read;
        }

        return added;
    }
}
