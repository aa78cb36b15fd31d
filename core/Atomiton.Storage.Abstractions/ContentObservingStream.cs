namespace Atomiton.Storage;

/// <summary>
/// A read-only pass-through stream that reports progress and checks expected hashes as content
/// streams past: at the end of the source a hash mismatch throws <see cref="StorageErrorCode.Integrity"/>
/// instead of reporting the end, so the engine reading it writes nothing (the contract's rule for a
/// source that throws). Used by <see cref="StorageEngine"/> for every engine.
/// </summary>
internal sealed class ContentObservingStream : Stream
{
    private readonly Stream _inner;
    private readonly IProgress<StorageProgress>? _progress;
    private readonly long? _total;
    private readonly (StorageContentHash Hash, string Expected)[] _hashes;
    private readonly string _key;
    private readonly string _provider;
    private readonly bool _ownsInner;
    private long _position;
    private bool _checked;

    public ContentObservingStream(Stream inner, IProgress<StorageProgress>? progress, long? total, IReadOnlyDictionary<string, string>? expectedHashes, string key, string provider, bool ownsInner)
    {
        _inner = inner;
        _progress = progress;
        _total = total;
        _key = key;
        _provider = provider;
        _ownsInner = ownsInner;
        _hashes = expectedHashes is null ? [] : expectedHashes.Select(pair => (StorageContentHash.Create(pair.Key), pair.Value)).ToArray();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Observe(buffer, _inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await _inner.ReadAsync(buffer, cancellationToken);
        return Observe(buffer.Span, read);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var (hash, _) in _hashes)
            {
                hash.Dispose();
            }

            if (_ownsInner)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_ownsInner)
        {
            await _inner.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    private int Observe(Span<byte> buffer, int read)
    {
        if (read > 0)
        {
            foreach (var (hash, _) in _hashes)
            {
                hash.Append(buffer[..read]);
            }

            _position += read;
            _progress?.Report(new StorageProgress(_position, _total));
        }
        else if (!_checked)
        {
            _checked = true;
            foreach (var (hash, expected) in _hashes)
            {
                string actual = hash.GetResult();
                if (!StorageContentHash.ValuesEqual(hash.Algorithm, actual, expected))
                {
                    throw new StorageException(StorageErrorCode.Integrity, $"The content for key '{_key}' has {hash.Algorithm} {actual}, not the expected {expected}; nothing was written. Check the source, or the expected hash.")
                    { Key = _key, Provider = _provider, Operation = StorageOperation.Save };
                }
            }
        }

        return read;
    }
}
