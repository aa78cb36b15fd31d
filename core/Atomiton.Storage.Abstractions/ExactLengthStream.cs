namespace Atomiton.Storage;

/// <summary>
/// The one check of <see cref="SaveOptions.ExpectedLength"/>, for engines to read a save's content
/// through: a forward-only, read-only pass-through that fails with
/// <see cref="StorageErrorCode.InvalidArgument"/> (naming the key and both lengths) as soon as the
/// source yields more bytes than expected, or ends with fewer. The engine reads it to the end before
/// committing, so a wrong source writes nothing. It can also hash the content as it passes
/// (<see cref="GetHashes"/>), so an engine reports <see cref="StorageItem.Hashes"/> without a second read.
/// </summary>
/// <remarks>Not thread-safe. Disposing it disposes the source only when <c>leaveOpen</c> is false.</remarks>
public sealed class ExactLengthStream : Stream
{
    private readonly Stream _source;
    private readonly StorageContentHash[] _hashes;
    private readonly bool _leaveOpen;
    private IReadOnlyDictionary<string, string>? _results;
    private bool _ended;

    /// <summary>Wraps <paramref name="source"/>.</summary>
    /// <param name="source">The caller's content.</param>
    /// <param name="key">The key being saved, for error messages.</param>
    /// <param name="expectedLength">The exact length the source must yield; null to check nothing (only count and hash).</param>
    /// <param name="hashAlgorithms">Algorithms of <see cref="StorageHashAlgorithms"/> to compute as the content passes; null for none.</param>
    /// <param name="provider">The engine type for errors; null lets <see cref="StorageEngine"/> add it.</param>
    /// <param name="leaveOpen">True (the default) to leave <paramref name="source"/> open when this stream is disposed.</param>
    /// <exception cref="ArgumentException">An algorithm is unknown, or <paramref name="expectedLength"/> is negative.</exception>
    public ExactLengthStream(Stream source, string key, long? expectedLength, IEnumerable<string>? hashAlgorithms = null, string? provider = null, bool leaveOpen = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(key);
        if (expectedLength is < 0)
        {
            throw new ArgumentException($"The expected length of key '{key}' is negative ({expectedLength}).", nameof(expectedLength));
        }

        _source = source;
        Key = key;
        ExpectedLength = expectedLength;
        Provider = provider;
        _leaveOpen = leaveOpen;
        _hashes = hashAlgorithms is null ? [] : hashAlgorithms.Distinct(StringComparer.Ordinal).Select(StorageContentHash.Create).ToArray();
    }

    /// <summary>The key being saved.</summary>
    public string Key { get; }

    /// <summary>The length the source must yield, or null.</summary>
    public long? ExpectedLength { get; }

    /// <summary>The engine type named in errors, or null.</summary>
    public string? Provider { get; }

    /// <summary>Bytes read from the source so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>True once a read has returned the end of the source (with the length checked).</summary>
    public bool IsComplete => _ended;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <summary>The expected length when known (so a reader can size its buffers); otherwise not supported.</summary>
    public override long Length => ExpectedLength ?? throw new NotSupportedException("This stream's length is not known: no ExpectedLength was given.");

    /// <summary>The bytes read so far; setting it is not supported.</summary>
    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException("This stream is read forward only; it cannot seek.");
    }

    /// <summary>
    /// The hashes of the whole content, algorithm → value as <see cref="StorageItem.Hashes"/> holds them.
    /// Available once the source has been read to its end.
    /// </summary>
    /// <exception cref="InvalidOperationException">The source has not been read to its end.</exception>
    public IReadOnlyDictionary<string, string> GetHashes()
    {
        if (!_ended)
        {
            throw new InvalidOperationException($"The content of key '{Key}' has not been read to its end; its hashes are not known yet.");
        }

        return _results!;
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer) => Observe(buffer, _source.Read(buffer));

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await _source.ReadAsync(buffer, cancellationToken);
        return Observe(buffer.Span, read);
    }

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

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var hash in _hashes)
            {
                hash.Dispose();
            }

            if (!_leaveOpen)
            {
                _source.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (!_leaveOpen)
        {
            await _source.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    private int Observe(Span<byte> buffer, int read)
    {
        if (read > 0)
        {
            BytesRead += read;
            if (BytesRead > ExpectedLength)
            {
                throw Mismatch($"more than {ExpectedLength} (at least {BytesRead})");
            }

            foreach (var hash in _hashes)
            {
                hash.Append(buffer[..read]);
            }
        }
        else if (buffer.Length > 0 && !_ended)
        {
            if (ExpectedLength is { } expected && BytesRead != expected)
            {
                throw Mismatch($"only {BytesRead}");
            }

            _ended = true;
            _results = _hashes.Length == 0
                ? StorageItem.EmptyMetadata
                : new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(_hashes.ToDictionary(hash => hash.Algorithm, hash => hash.GetResult(), StringComparer.Ordinal));
        }

        return read;
    }

    private StorageException Mismatch(string actual) =>
        new(StorageErrorCode.InvalidArgument, $"The content stream for key '{Key}' yielded {actual} bytes but ExpectedLength is {ExpectedLength}. Nothing was written; pass the source's true length, or none.")
        { Key = Key, Provider = Provider, Operation = StorageOperation.Save };
}
