using Npgsql;

namespace Atomiton.Storage.Cloud.Server.Database;

/// <summary>
/// Reads an upload session's chunk rows in order, one row in memory at a time, on the connection
/// (and transaction) that holds the session's lock. Read-only and forward-only.
/// </summary>
internal sealed class DatabaseChunkStream(NpgsqlConnection connection, NpgsqlTransaction transaction, string sessionId, long length) : Stream
{
    private byte[] _chunk = [];
    private int _chunkPosition;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read the upload's chunks asynchronously.");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_chunkPosition == _chunk.Length)
        {
            if (_position >= length)
            {
                return 0;
            }

            await using var command = new NpgsqlCommand("SELECT data FROM upload_chunks WHERE session_id = $1 AND start_offset = $2", connection, transaction);
            command.Parameters.AddWithValue(sessionId);
            command.Parameters.AddWithValue(_position);
            _chunk = await command.ExecuteScalarAsync(cancellationToken) as byte[]
                ?? throw new IOException($"Upload session {sessionId} lacks the chunk at offset {_position}.");
            _chunkPosition = 0;
        }

        int count = Math.Min(buffer.Length, _chunk.Length - _chunkPosition);
        _chunk.AsMemory(_chunkPosition, count).CopyTo(buffer);
        _chunkPosition += count;
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
