using System.Security.Cryptography;
using Atomiton.Storage.IO;

namespace Atomiton.Storage.Encrypted;

/// <summary>
/// A read-only stream of plaintext over stored segments: each segment is authenticated before any
/// of its bytes are returned, so a reader gets authentic bytes followed, at worst, by an Integrity
/// error — never altered bytes. Reads only the segments a range needs.
/// </summary>
internal sealed class DecryptingStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly ObjectCipher _cipher;
    private readonly long _plaintextLength;
    private readonly long _lastSegment;
    private readonly string _key;
    private readonly byte[] _sealed;
    private readonly int _largestSegment;
    private byte[]? _plain; // only when a segment does not fit the caller's buffer
    private readonly byte[] _extra = new byte[1];
    private readonly bool _verifyToEnd;
    private long _segment;
    private int _skip;
    private long _remaining;
    private int _plainOffset;
    private int _plainLength;

    /// <param name="inner">Stored bytes positioned at the start of segment <paramref name="firstSegment"/>; owned.</param>
    /// <param name="cipher">The object's cipher; owned.</param>
    /// <param name="plaintextLength">The whole object's plaintext size.</param>
    /// <param name="firstSegment">The first segment <paramref name="inner"/> holds.</param>
    /// <param name="skip">Plaintext bytes of the first segment to skip.</param>
    /// <param name="take">Plaintext bytes to return.</param>
    /// <param name="key">The object key, for error messages.</param>
    /// <param name="verifyToEnd">True for whole-object reads: authenticate every segment through the final one, even an empty object's.</param>
    public DecryptingStream(Stream inner, ObjectCipher cipher, long plaintextLength, long firstSegment, int skip, long take, string key, bool verifyToEnd)
    {
        _verifyToEnd = verifyToEnd;
        _largestSegment = (int)Math.Min(EncryptedFormat.SegmentSize, plaintextLength);
        _sealed = new byte[_largestSegment + EncryptedFormat.TagSize];
        _inner = inner;
        _cipher = cipher;
        _plaintextLength = plaintextLength;
        _lastSegment = EncryptedFormat.SegmentCount(plaintextLength) - 1;
        _segment = firstSegment;
        _skip = skip;
        _remaining = take;
        _key = key;
    }

    public override int Read(Span<byte> buffer)
    {
        // A synchronous fill completes at once, possibly faulted (an Integrity error): only a
        // successful completion may skip GetResult, or the error is lost and the read ends early.
        var pending = FillAsync(buffer.Length, useAsync: false, CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }

        return Drain(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_plainOffset == _plainLength && _skip == 0 && _segment <= _lastSegment)
        {
            // A whole segment fits the caller's buffer: decrypt straight into it (no extra copy).
            int next = EncryptedFormat.SegmentPlaintextLength(_segment, _plaintextLength);
            if (next > 0 && next <= buffer.Length && next <= _remaining)
            {
                await OpenNextSegmentAsync(useAsync: true, buffer, cancellationToken);
                _remaining -= next;
                return next;
            }
        }

        await FillAsync(buffer.Length, useAsync: true, cancellationToken);
        return Drain(buffer.Span);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cipher.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _cipher.DisposeAsync();
        await _inner.DisposeAsync();
        await base.DisposeAsync();
    }

    private int Drain(Span<byte> buffer)
    {
        int count = (int)Math.Min(Math.Min(buffer.Length, _plainLength - _plainOffset), _remaining);
        if (count > 0)
        {
            _plain.AsSpan(_plainOffset, count).CopyTo(buffer);
        }

        _plainOffset += count;
        _remaining -= count;
        return count;
    }

    private async ValueTask FillAsync(int wanted, bool useAsync, CancellationToken cancellationToken)
    {
        while (wanted > 0 && (_remaining > 0 || (_verifyToEnd && _segment <= _lastSegment)) && _plainOffset == _plainLength)
        {
            await OpenNextSegmentAsync(useAsync, null, cancellationToken);
        }
    }

    /// <summary>Reads and authenticates the next segment into <paramref name="destination"/>, or into the internal buffer when null.</summary>
    private async ValueTask OpenNextSegmentAsync(bool useAsync, Memory<byte>? destination, CancellationToken cancellationToken)
    {
        if (_segment > _lastSegment)
        {
            throw Tampered("it is shorter than its size says");
        }

        int plainLength = EncryptedFormat.SegmentPlaintextLength(_segment, _plaintextLength);
        int sealedLength = plainLength + EncryptedFormat.TagSize;
        int filled = 0;
        while (filled < sealedLength)
        {
            int read = useAsync
                ? await _inner.ReadAsync(_sealed.AsMemory(filled, sealedLength - filled), cancellationToken)
                : _inner.Read(_sealed, filled, sealedLength - filled);
            if (read == 0)
            {
                throw Tampered("it was truncated");
            }

            filled += read;
        }

        bool isFinal = _segment == _lastSegment;
        try
        {
            await _cipher.DecryptSegmentAsync(_segment, isFinal, _sealed.AsMemory(0, sealedLength), destination ?? (_plain ??= new byte[_largestSegment]), cancellationToken);
        }
        catch (CryptographicException e)
        {
            throw Tampered($"segment {_segment} failed authentication", e);
        }

        if (isFinal)
        {
            int more = useAsync ? await _inner.ReadAsync(_extra, cancellationToken) : _inner.Read(_extra, 0, 1);
            if (more != 0)
            {
                throw Tampered("it has bytes after its final segment");
            }
        }

        _segment++;
        _plainOffset = destination is null ? _skip : 0;
        _plainLength = destination is null ? plainLength : 0;
        _skip = 0;
    }

    private StorageException Tampered(string what, Exception? cause = null) => EncryptedErrors.Tampered(_key, what, cause);
}
