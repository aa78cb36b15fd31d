using System.Security.Cryptography;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Changes;
using Atomiton.Storage.Cloud.Server.Http;
using Atomiton.Storage.Cloud.Server.State;
using Atomiton.Storage.Cloud.Server.Uploads;
using Npgsql;
using NpgsqlTypes;

namespace Atomiton.Storage.Cloud.Server.Database;

/// <summary>
/// Upload sessions in the database, so a session started on one replica goes on (and commits) on
/// any other. A chunk is one row, appended in a transaction that holds the session's row lock, checks
/// the offset and adds the row and the new length together — a chunk cut off midway adds nothing.
/// The commit holds the same lock while it streams the rows, in order, into one engine save, then
/// records the committed item and drops the rows, so a retried commit answers the same item.
/// Sessions idle longer than <see cref="CloudServerOptions.UploadSessionLifetime"/> are removed by
/// the sweep (at start and every <see cref="CloudServerOptions.UploadSweepInterval"/>).
/// </summary>
internal sealed class DatabaseUploadSessionStore : IUploadSessionStore
{
    private readonly CloudDatabase _database;
    private readonly CloudServerOptions _options;
    private readonly ITimer _sweeper;

    public DatabaseUploadSessionStore(CloudDatabase database, CloudServerOptions options)
    {
        if (options.UploadSweepInterval <= TimeSpan.Zero || options.UploadSessionLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException($"CloudServerOptions.UploadSweepInterval ({options.UploadSweepInterval}) and UploadSessionLifetime ({options.UploadSessionLifetime}) must be positive.", nameof(options));
        }

        _database = database;
        _options = options;
        _sweeper = options.TimeProvider.CreateTimer(_ => _ = SweepAsync(), null, TimeSpan.Zero, options.UploadSweepInterval);
    }

    public void Dispose() => _sweeper.Dispose();

    public async Task<UploadSession> CreateAsync(string tenantPrefix, string key, WireUploadRequest request, CancellationToken cancellationToken)
    {
        var session = new UploadSession
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            TenantPrefix = tenantPrefix,
            Key = key,
            ContentType = request.ContentType,
            Metadata = request.Metadata,
            Length = request.Length,
            IfMatch = request.IfMatch,
            IfNotExists = request.IfNotExists,
            ExpectedHashes = request.ExpectedHashes,
            LastModified = request.LastModified,
            Created = _options.TimeProvider.GetUtcNow(),
        };
        await _database.RunAsync(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand("INSERT INTO upload_sessions (id, tenant_prefix, session, last_activity) VALUES ($1, $2, $3, $4)", connection);
            command.Parameters.AddWithValue(session.Id);
            command.Parameters.AddWithValue(tenantPrefix);
            command.Parameters.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(session, CloudJson.Options));
            command.Parameters.AddWithValue(session.Created);
            return await command.ExecuteNonQueryAsync(token);
        }, cancellationToken);
        return session;
    }

    public Task<UploadSession?> FindAsync(string id, string tenantPrefix, CancellationToken cancellationToken) =>
        _database.RunAsync(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand("SELECT session FROM upload_sessions WHERE id = $1 AND tenant_prefix = $2", connection);
            command.Parameters.AddWithValue(id);
            command.Parameters.AddWithValue(tenantPrefix);
            return await command.ExecuteScalarAsync(token) is string json ? JsonSerializer.Deserialize<UploadSession>(json, CloudJson.Options) : null;
        }, cancellationToken);

    public Task<WireItem?> FindCommittedAsync(UploadSession session, CancellationToken cancellationToken) =>
        _database.RunAsync(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand("SELECT committed FROM upload_sessions WHERE id = $1", connection);
            command.Parameters.AddWithValue(session.Id);
            return await command.ExecuteScalarAsync(token) is string json ? JsonSerializer.Deserialize<WireItem>(json, CloudJson.Options) : null;
        }, cancellationToken);

    public Task<long> OffsetOfAsync(UploadSession session, CancellationToken cancellationToken) =>
        _database.RunAsync(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand("SELECT length FROM upload_sessions WHERE id = $1", connection);
            command.Parameters.AddWithValue(session.Id);
            return await command.ExecuteScalarAsync(token) is long length ? length : 0;
        }, cancellationToken);

    public Task<long> AppendAsync(UploadSession session, long offset, Stream chunk, long chunkLength, CancellationToken cancellationToken) =>
        _database.RunAsync(async (connection, token) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(token);
            var (current, committed) = await LockAsync(connection, transaction, session, token);
            if (committed is not null)
            {
                throw new StorageException(StorageErrorCode.Conflict, $"Upload session {session.Id} is already committed; start a new session to write '{session.Key}' again.") { Key = session.EngineKey };
            }

            if (offset != current)
            {
                throw new UploadOffsetMismatchException(current);
            }

            if (current + chunkLength > _options.MaxObjectSize || (session.Length is { } declared && current + chunkLength > declared) || chunkLength > Array.MaxLength)
            {
                throw new StorageException(StorageErrorCode.ObjectTooLarge,
                    $"Upload session {session.Id} would grow past {(session.Length ?? _options.MaxObjectSize)} bytes (the declared length or the server's maximum object size).")
                { Key = session.EngineKey };
            }

            // Bounded by the server's request body limit; a body that ends early throws and adds nothing.
            var bytes = new byte[chunkLength];
            await chunk.ReadExactlyAsync(bytes, token);
            if (chunkLength > 0)
            {
                await using var insert = new NpgsqlCommand("INSERT INTO upload_chunks (session_id, start_offset, data) VALUES ($1, $2, $3)", connection, transaction);
                insert.Parameters.AddWithValue(session.Id);
                insert.Parameters.AddWithValue(current);
                insert.Parameters.AddWithValue(bytes);
                await insert.ExecuteNonQueryAsync(token);
            }

            await using (var update = new NpgsqlCommand("UPDATE upload_sessions SET length = $2, last_activity = $3 WHERE id = $1", connection, transaction))
            {
                update.Parameters.AddWithValue(session.Id);
                update.Parameters.AddWithValue(current + chunkLength);
                update.Parameters.AddWithValue(_options.TimeProvider.GetUtcNow());
                await update.ExecuteNonQueryAsync(token);
            }

            await transaction.CommitAsync(token);
            return current + chunkLength;
        }, cancellationToken);

    public Task<WireItem> CommitAsync(UploadSession session, IStorageEngine engine, IChangeLog log, CancellationToken cancellationToken) =>
        _database.RunAsync(async (connection, token) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(token);
            var (length, committed) = await LockAsync(connection, transaction, session, token);
            if (committed is not null)
            {
                return committed;
            }

            if (session.Length is { } declared && declared != length)
            {
                throw new StorageException(StorageErrorCode.InvalidArgument,
                    $"Upload session {session.Id} holds {length} bytes but declared {declared}; upload the rest (from offset {length}) before committing.")
                { Key = session.EngineKey };
            }

            var options = new SaveOptions
            {
                ContentType = session.ContentType,
                Metadata = session.Metadata,
                ExpectedLength = length,
                ExpectedHashes = session.ExpectedHashes,
                LastModified = session.LastModified,
                Condition = session.IfNotExists ? WriteCondition.IfNotExists
                    : session.IfMatch is { } etag ? WriteCondition.IfMatch(etag) : WriteCondition.None,
            };
            StorageItem item;
            await using (var content = new DatabaseChunkStream(connection, transaction, session.Id, length))
            {
                item = await log.WriteAsync([session.EngineKey],
                    writeToken => engine.SaveAsync(session.EngineKey, content, options, writeToken).AsTask(),
                    saved => [new ChangeRecord { Kind = ChangeRecord.Upsert, Key = saved.Key, Item = WireItem.From(saved, string.Empty) }],
                    token,
                    claims: _ => Task.FromResult<IReadOnlyList<QuotaClaim>>([new(session.EngineKey, length)]));
            }

            var wire = WireItem.From(item, session.TenantPrefix);
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("UPDATE upload_sessions SET committed = $2, last_activity = $3 WHERE id = $1")
                    {
                        Parameters = { new() { Value = session.Id }, new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(wire, CloudJson.Options) }, new() { Value = _options.TimeProvider.GetUtcNow() } },
                    },
                    new NpgsqlBatchCommand("DELETE FROM upload_chunks WHERE session_id = $1") { Parameters = { new() { Value = session.Id } } },
                },
            };
            await batch.ExecuteNonQueryAsync(token);
            await transaction.CommitAsync(token);
            return wire;
        }, cancellationToken);

    public Task DeleteAsync(UploadSession session, CancellationToken cancellationToken) =>
        _database.RunAsync(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand("DELETE FROM upload_sessions WHERE id = $1", connection);
            command.Parameters.AddWithValue(session.Id);
            return await command.ExecuteNonQueryAsync(token);
        }, cancellationToken);

    /// <summary>Removes the sessions idle for longer than the lifetime (their chunks go with them); tried again at the next sweep on failure.</summary>
    internal async Task SweepAsync()
    {
        try
        {
            await _database.RunAsync(async (connection, token) =>
            {
                await using var command = new NpgsqlCommand("DELETE FROM upload_sessions WHERE last_activity < $1", connection);
                command.Parameters.AddWithValue(_options.TimeProvider.GetUtcNow() - _options.UploadSessionLifetime);
                return await command.ExecuteNonQueryAsync(token);
            }, CancellationToken.None);
        }
        catch (StorageException)
        {
            // The database is unreachable now: the next sweep tries again.
        }
        catch (ObjectDisposedException)
        {
            // The server stopped meanwhile.
        }
    }

    private static async Task<(long Length, WireItem? Committed)> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, UploadSession session, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT length, committed FROM upload_sessions WHERE id = $1 FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue(session.Id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new StorageException(StorageErrorCode.NotFound, $"No upload session '{session.Id}' exists (it expired or was aborted). Start a new session.");
        }

        long length = reader.GetInt64(0);
        var committed = reader.IsDBNull(1) ? null : JsonSerializer.Deserialize<WireItem>(reader.GetString(1), CloudJson.Options);
        return (length, committed);
    }
}
