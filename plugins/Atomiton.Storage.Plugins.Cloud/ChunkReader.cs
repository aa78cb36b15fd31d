namespace Atomiton.Storage.Plugins.Cloud;

/// <summary>
/// Reads a source stream in chunks of a fixed size into one reused buffer, looking one byte ahead
/// so it knows whether a chunk is the last — a source of unknown length is sent without guessing.
/// </summary>
internal sealed class ChunkReader(Stream source, int chunkSize)
{
    private readonly byte[] _buffer = new byte[chunkSize];
    private int _pending = -1;

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

        while (filled < _buffer.Length)
        {
            int read = await source.ReadAsync(_buffer.AsMemory(filled), cancellationToken);
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
            IsLast = await source.ReadAsync(peek, cancellationToken) == 0;
            if (!IsLast)
            {
                _pending = peek[0];
            }
        }

        Chunk = _buffer.AsMemory(0, filled);
        TotalRead += filled;
    }
}
