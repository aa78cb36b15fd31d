using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Atomiton.Storage.Sync.State;

/// <summary>
/// The state store on desktop and server: one SQLite database file per pair. Holds a million keys
/// without holding them in memory (reads come in pages of <see cref="PageSize"/> rows, in ordinal key
/// order through a registered collation); every <see cref="CommitAsync"/> is one transaction, durable
/// when it returns (WAL, synchronous FULL). The run lock is a lease row in the file (<c>run_lock</c>),
/// read and replaced inside one <c>BEGIN IMMEDIATE</c> transaction, so any number of instances and
/// processes may open the same file: only one run of the pair holds the lock at a time.
/// </summary>
/// <remarks>Thread-safe: calls on one instance take turns on its single connection.</remarks>
public sealed class SqliteSyncStateStore : ISyncStateStore
{
    /// <summary>Rows read per round trip when streaming.</summary>
    public const int PageSize = 1000;

    private const int SchemaVersion = 1;
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private SqliteSyncStateStore(SqliteConnection connection) => _connection = connection;

    /// <summary>The database file.</summary>
    public string Path { get; private init; } = string.Empty;

    /// <summary>Opens (creating when missing) the state database at <paramref name="path"/>.</summary>
    /// <exception cref="StorageException">InvalidConfiguration when the file is not a sync state database of a version this library reads.</exception>
    public static async Task<SqliteSyncStateStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            connection.CreateCollation("ORDINAL", (left, right) => string.CompareOrdinal(left, right));
            var store = new SqliteSyncStateStore(connection) { Path = path };
            await store.CreateSchemaAsync(cancellationToken);
            return store;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"The sync state database '{path}' cannot be opened ({e.Message}). Check the path and its permissions, or pass another with --state.", e);
        }
    }

    private async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await ExecuteAsync("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS pair (id INTEGER PRIMARY KEY CHECK (id = 1), identity_a TEXT NOT NULL, identity_b TEXT NOT NULL,
                cursor_a TEXT, cursor_b TEXT, last_run TEXT, last_purge TEXT);
            CREATE TABLE IF NOT EXISTS keys (key TEXT NOT NULL COLLATE ORDINAL PRIMARY KEY, a TEXT, b TEXT, base TEXT, settled INTEGER NOT NULL) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS keys_unsettled ON keys (key COLLATE ORDINAL) WHERE settled = 0;
            CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind INTEGER NOT NULL, key TEXT NOT NULL,
                message TEXT NOT NULL, related TEXT, side INTEGER);
            CREATE TABLE IF NOT EXISTS run_lock (id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL,
                since TEXT NOT NULL, expires TEXT NOT NULL);
            INSERT OR IGNORE INTO meta (name, value) VALUES ('schema', '1');
            """, cancellationToken);
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE name = 'schema'";
        string? version = (string?)await command.ExecuteScalarAsync(cancellationToken);
        if (version != SchemaVersion.ToString(CultureInfo.InvariantCulture))
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"The sync state database '{Path}' has schema version {version}; this version of Atomiton.Storage.Sync reads version {SchemaVersion}. Use a matching version, or run 'sync rebaseline' with a new --state file.");
        }
    }

    /// <inheritdoc />
    public async ValueTask<SyncPairState?> GetPairAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT identity_a, identity_b, cursor_a, cursor_b, last_run, last_purge FROM pair WHERE id = 1";
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            return new SyncPairState
            {
                IdentityA = reader.GetString(0),
                IdentityB = reader.GetString(1),
                CursorA = reader.IsDBNull(2) ? null : reader.GetString(2),
                CursorB = reader.IsDBNull(3) ? null : reader.GetString(3),
                LastRun = reader.IsDBNull(4) ? null : DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture),
                LastTrashPurge = reader.IsDBNull(5) ? null : DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture),
            };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<SyncKeyState?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var page = await ReadPageAsync("key = @from", key, 1, cancellationToken);
        return page.Count == 0 ? null : page[0];
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SyncKeyState> ReadAllAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var page = await ReadPageAsync("key >= @from", prefix, PageSize, cancellationToken);
        while (page.Count > 0)
        {
            foreach (var state in page)
            {
                if (!state.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    yield break;
                }

                yield return state;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            page = await ReadPageAsync("key > @from", page[^1].Key, PageSize, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SyncKeyState> ReadUnsettledAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var page = await ReadPageAsync("settled = 0 AND key >= @from", string.Empty, PageSize, cancellationToken);
        while (page.Count > 0)
        {
            foreach (var state in page)
            {
                yield return state;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            page = await ReadPageAsync("settled = 0 AND key > @from", page[^1].Key, PageSize, cancellationToken);
        }
    }

    private async Task<List<SyncKeyState>> ReadPageAsync(string where, string from, int limit, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT key, a, b, base FROM keys WHERE {where} ORDER BY key COLLATE ORDINAL LIMIT {limit}";
            command.Parameters.AddWithValue("@from", from);
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var page = new List<SyncKeyState>();
            while (await reader.ReadAsync(cancellationToken))
            {
                page.Add(new SyncKeyState(
                    reader.GetString(0),
                    reader.IsDBNull(1) ? null : JsonSerializer.Deserialize(reader.GetString(1), SyncStateJson.Default.SyncVersion),
                    reader.IsDBNull(2) ? null : JsonSerializer.Deserialize(reader.GetString(2), SyncStateJson.Default.SyncVersion),
                    reader.IsDBNull(3) ? null : JsonSerializer.Deserialize(reader.GetString(3), SyncStateJson.Default.SyncBase)));
            }

            return page;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<SyncStateCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT count(base), count(a), count(b), (SELECT count(*) FROM keys WHERE settled = 0) FROM keys";
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new SyncStateCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask CommitAsync(SyncStateCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        cancellationToken.ThrowIfCancellationRequested();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var transaction = _connection.BeginTransaction();
            if (commit.Keys.Count > 0)
            {
                using var upsert = _connection.CreateCommand();
                upsert.Transaction = transaction;
                upsert.CommandText = "INSERT OR REPLACE INTO keys (key, a, b, base, settled) VALUES (@key, @a, @b, @base, @settled)";
                var key = upsert.Parameters.Add("@key", SqliteType.Text);
                var a = upsert.Parameters.Add("@a", SqliteType.Text);
                var b = upsert.Parameters.Add("@b", SqliteType.Text);
                var synced = upsert.Parameters.Add("@base", SqliteType.Text);
                var settled = upsert.Parameters.Add("@settled", SqliteType.Integer);
                using var delete = _connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM keys WHERE key = @key";
                var deleteKey = delete.Parameters.Add("@key", SqliteType.Text);
                foreach (var state in commit.Keys)
                {
                    if (state.IsEmpty)
                    {
                        deleteKey.Value = state.Key;
                        await delete.ExecuteNonQueryAsync(cancellationToken);
                        continue;
                    }

                    key.Value = state.Key;
                    a.Value = state.A is null ? DBNull.Value : JsonSerializer.Serialize(state.A, SyncStateJson.Default.SyncVersion);
                    b.Value = state.B is null ? DBNull.Value : JsonSerializer.Serialize(state.B, SyncStateJson.Default.SyncVersion);
                    synced.Value = state.Base is null ? DBNull.Value : JsonSerializer.Serialize(state.Base, SyncStateJson.Default.SyncBase);
                    settled.Value = state.IsSettled ? 1 : 0;
                    await upsert.ExecuteNonQueryAsync(cancellationToken);
                }
            }

            if (commit.Pair is { } pair)
            {
                using var command = _connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT OR REPLACE INTO pair (id, identity_a, identity_b, cursor_a, cursor_b, last_run, last_purge) VALUES (1, @ia, @ib, @ca, @cb, @run, @purge)";
                command.Parameters.AddWithValue("@ia", pair.IdentityA);
                command.Parameters.AddWithValue("@ib", pair.IdentityB);
                command.Parameters.AddWithValue("@ca", (object?)pair.CursorA ?? DBNull.Value);
                command.Parameters.AddWithValue("@cb", (object?)pair.CursorB ?? DBNull.Value);
                command.Parameters.AddWithValue("@run", (object?)pair.LastRun?.ToString("O", CultureInfo.InvariantCulture) ?? DBNull.Value);
                command.Parameters.AddWithValue("@purge", (object?)pair.LastTrashPurge?.ToString("O", CultureInfo.InvariantCulture) ?? DBNull.Value);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var entry in commit.Log)
            {
                using var command = _connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO log (at, kind, key, message, related, side) VALUES (@at, @kind, @key, @message, @related, @side)";
                command.Parameters.AddWithValue("@at", entry.At.ToString("O", CultureInfo.InvariantCulture));
                command.Parameters.AddWithValue("@kind", (int)entry.Kind);
                command.Parameters.AddWithValue("@key", entry.Key);
                command.Parameters.AddWithValue("@message", entry.Message);
                command.Parameters.AddWithValue("@related", (object?)entry.RelatedKey ?? DBNull.Value);
                command.Parameters.AddWithValue("@side", entry.Side is { } side ? (int)side : DBNull.Value);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SyncLogEntry> ReadLogAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long after = 0;
        while (true)
        {
            var page = new List<(long Seq, SyncLogEntry Entry)>();
            await _gate.WaitAsync(cancellationToken);
            try
            {
                using var command = _connection.CreateCommand();
                command.CommandText = $"SELECT seq, at, kind, key, message, related, side FROM log WHERE seq > @after ORDER BY seq LIMIT {PageSize}";
                command.Parameters.AddWithValue("@after", after);
                using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    page.Add((reader.GetInt64(0), new SyncLogEntry(
                        DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
                        (SyncLogKind)reader.GetInt32(2),
                        reader.GetString(3),
                        reader.GetString(4),
                        reader.IsDBNull(5) ? null : reader.GetString(5),
                        reader.IsDBNull(6) ? null : (SyncSide)reader.GetInt32(6))));
                }
            }
            finally
            {
                _gate.Release();
            }

            foreach (var (_, entry) in page)
            {
                yield return entry;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1].Seq;
        }
    }

    /// <inheritdoc />
    public async ValueTask<SyncRunLockAttempt> TryAcquireRunLockAsync(SyncRunLock candidate, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // IMMEDIATE takes the file's write lock before the read: no other connection can take the
            // lock between this read and the write below (it waits, up to the busy timeout).
            using var transaction = _connection.BeginTransaction(deferred: false);
            var attempt = SyncRunLock.Arbitrate(await ReadRunLockAsync(transaction, cancellationToken), candidate, now);
            if (attempt.Acquired)
            {
                using var command = _connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT OR REPLACE INTO run_lock (id, owner, host, pid, since, expires) VALUES (1, @owner, @host, @pid, @since, @expires)";
                command.Parameters.AddWithValue("@owner", attempt.Holder.Owner);
                command.Parameters.AddWithValue("@host", attempt.Holder.Host);
                command.Parameters.AddWithValue("@pid", attempt.Holder.ProcessId);
                command.Parameters.AddWithValue("@since", attempt.Holder.Since.ToString("O", CultureInfo.InvariantCulture));
                command.Parameters.AddWithValue("@expires", attempt.Holder.Expires.ToString("O", CultureInfo.InvariantCulture));
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return attempt;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> RenewRunLockAsync(string owner, DateTimeOffset expires, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "UPDATE run_lock SET expires = @expires WHERE id = 1 AND owner = @owner";
            command.Parameters.AddWithValue("@owner", owner);
            command.Parameters.AddWithValue("@expires", expires.ToString("O", CultureInfo.InvariantCulture));
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask ReleaseRunLockAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "DELETE FROM run_lock WHERE id = 1 AND owner = @owner";
            command.Parameters.AddWithValue("@owner", owner);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<SyncRunLock?> GetRunLockAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await ReadRunLockAsync(null, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SyncRunLock?> ReadRunLockAsync(SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT owner, host, pid, since, expires FROM run_lock WHERE id = 1";
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new SyncRunLock
        {
            Owner = reader.GetString(0),
            Host = reader.GetString(1),
            ProcessId = reader.GetInt32(2),
            Since = DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
            Expires = DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture),
        };
    }

    /// <inheritdoc />
    public async ValueTask ResetAsync(CancellationToken cancellationToken = default) =>
        await ExecuteAsync("DELETE FROM keys; DELETE FROM pair;", cancellationToken);

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _gate.Dispose();
    }
}
