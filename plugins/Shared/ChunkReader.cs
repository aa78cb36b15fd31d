namespace Atomiton.Storage.Plugins.Shared;

/// <summary>
/// Reads a source stream in chunks of at most a fixed size into one reused buffer, looking one
/// byte ahead so it knows whether a chunk is the last — a source of unknown length is sent
/// without guessing. The buffer starts small and grows only while the source keeps yielding, so
/// a small object never costs a whole chunk of memory.
/// </summary>
internal sealed class ChunkReader
{
    private const int InitialBufferSize = 64 * 1024;

    private readonly Stream _source;
    private readonly int _chunkSize;
    private byte[] _buffer;
    private int _pending = -1;

    /// <summary>Prepares to read <paramref name="source"/> in chunks of <paramref name="chunkSize"/> bytes.</summary>
    /// <param name="source">The content.</param>
    /// <param name="chunkSize">The largest chunk.</param>
    /// <param name="lengthHint">The content's length when known, to size the buffer exactly.</param>
    public ChunkReader(Stream source, int chunkSize, long? lengthHint)
    {
        _source = source;
        _chunkSize = chunkSize;
        // One byte more than a known length, so a source that runs long is noticed in the first read.
        long initial = lengthHint is { } hint ? hint + 1 : InitialBufferSize;
        _buffer = new byte[(int)Math.Clamp(initial, 1, chunkSize)];
    }

    /// <summary>The current chunk's bytes (valid until the next read).</summary>
    public ReadOnlyMemory<byte> Chunk { get; private set; }

    /// <summary>True once the chunk in <see cref="Chunk"/> is the source's last.</summary>
    public bool IsLast { get; private set; }

    /// <summary>How many bytes all chunks read so far hold.</summary>
    public long TotalRead { get; private set; }

    public async ValueTask ReadNextAsync(CancellationToken cancellationToken)
    {
        int filled = 0;
        if (_pending >= 0)
        {
            _buffer[filled++] = (byte)_pending;
            _pending = -1;
        }

        while (true)
        {
            if (filled == _buffer.Length)
            {
                if (_buffer.Length >= _chunkSize)
                {
                    break;
                }

                Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, _chunkSize));
            }

            int read = await _source.ReadAsync(_buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        if (filled < _buffer.Length)
        {
            IsLast = true;
        }
        else
        {
            var peek = new byte[1];
            IsLast = await _source.ReadAsync(peek, cancellationToken) == 0;
            if (!IsLast)
            {
                _pending = peek[0];
            }
        }

        Chunk = _buffer.AsMemory(0, filled);
        TotalRead += filled;
    }
}
