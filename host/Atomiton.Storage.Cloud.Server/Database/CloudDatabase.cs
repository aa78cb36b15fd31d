using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Cloud.Server.State;
using Npgsql;

namespace Atomiton.Storage.Cloud.Server.Database;

/// <summary>
/// The state of an Atomiton Cloud kept in PostgreSQL, shared by every replica that opens the same
/// database: tenants, API key hashes with their permissions and revocation, upload sessions and their
/// bytes, per-key rate-limit windows, and the change log. Set it as <see cref="CloudServerOptions.Database"/>
/// to serve from it instead of the files beside the key file. Opening applies the schema steps the
/// database lacks. A key revoked through any replica (or <see cref="RevokeKeyAsync"/>) is refused by
/// every replica from the next request on: each request reads its key's row. Thread-safe.
/// </summary>
public sealed class CloudDatabase : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private int _unavailableChange;

    private CloudDatabase(NpgsqlDataSource dataSource, TimeProvider time, int schemaVersion, byte[] listingTokenKey)
    {
        DataSource = dataSource;
        _time = time;
        SchemaVersion = schemaVersion;
        ListingTokenKey = listingTokenKey;
    }

    /// <summary>The schema version the database is at.</summary>
    public int SchemaVersion { get; }

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>The key every replica seals listing continuation tokens with (created once, kept in <c>server_secrets</c>).</summary>
    internal byte[] ListingTokenKey { get; }

    private const string ListingTokenKeyName = "listing-token-key";

    internal TimeProvider Time => _time;

    /// <summary>
    /// Connects to <paramref name="connectionString"/> (Npgsql's syntax, such as
    /// <c>Host=db;Database=atomiton;Username=atomiton</c>; a password is better given by <c>PGPASSWORD</c>
    /// or a <c>.pgpass</c> file than in the string) and applies the schema steps the database lacks.
    /// </summary>
    /// <param name="connectionString">Where the database is.</param>
    /// <param name="timeProvider">The clock for created, revoked and activity times; null for the system clock.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The database, ready for <see cref="CloudServerOptions.Database"/>.</returns>
    /// <exception cref="ArgumentException">The connection string is malformed.</exception>
    /// <exception cref="StorageException">NetworkError (transient) when the database cannot be reached.</exception>
    /// <exception cref="InvalidOperationException">The database's schema is newer than this server.</exception>
    public static async Task<CloudDatabase> OpenAsync(string connectionString, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        NpgsqlDataSource dataSource;
        try
        {
            dataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = "atomiton-cloud" }.Build();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The database connection string is malformed: {e.Message} Give one such as 'Host=127.0.0.1;Port=5432;Database=atomiton;Username=atomiton'.", nameof(connectionString), e);
        }

        var time = timeProvider ?? TimeProvider.System;
        try
        {
            int version = await CloudDatabaseMigrations.ApplyAsync(dataSource, time, cancellationToken);
            var listingTokenKey = await ReadOrCreateSecretAsync(dataSource, ListingTokenKeyName, Http.ListingTokenSealer.KeyBytes, time, cancellationToken);
            return new CloudDatabase(dataSource, time, version, listingTokenKey);
        }
        catch (Exception e) when (e is NpgsqlException && !cancellationToken.IsCancellationRequested)
        {
            await dataSource.DisposeAsync();
            throw Unreachable(e);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a key for a tenant (registering the tenant) and saves its hash. The returned secret is shown once and never stored.</summary>
    /// <param name="tenantPrefix">The key prefix the caller is confined to, ending with <c>/</c>, or empty for the whole store.</param>
    /// <param name="permissions">What the key may do.</param>
    /// <param name="description">A note saying who uses the key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The tenant prefix is not a valid key prefix ending with '/'.</exception>
    /// <exception cref="StorageException">NetworkError (transient) when the database cannot be reached; nothing is written.</exception>
    public async Task<CreatedApiKey> CreateKeyAsync(string tenantPrefix, ApiKeyPermissions permissions, string? description = null, CancellationToken cancellationToken = default)
    {
        var (entry, key) = ApiKeyStore.NewKey(tenantPrefix, permissions, description, _time.GetUtcNow());
        await RunAsync(async (connection, token) =>
        {
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("INSERT INTO tenants (prefix, created) VALUES ($1, $2) ON CONFLICT (prefix) DO NOTHING") { Parameters = { new() { Value = entry.TenantPrefix }, new() { Value = entry.Created } } },
                    new NpgsqlBatchCommand("INSERT INTO api_keys (id, tenant_prefix, permissions, hash, created, description) VALUES ($1, $2, $3, $4, $5, $6)")
                    {
                        Parameters =
                        {
                            new() { Value = entry.Id }, new() { Value = entry.TenantPrefix }, new() { Value = (int)entry.Permissions },
                            new() { Value = entry.Hash }, new() { Value = entry.Created }, new() { Value = (object?)entry.Description ?? DBNull.Value },
                        },
                    },
                },
            };
            await batch.ExecuteNonQueryAsync(token);
            return 0;
        }, cancellationToken);
        return new CreatedApiKey(entry, key);
    }

    /// <summary>Every key, revoked ones included, by creation time.</summary>
    /// <exception cref="StorageException">NetworkError (transient) when the database cannot be reached.</exception>
    public Task<IReadOnlyList<ApiKeyEntry>> ListKeysAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<ApiKeyEntry>>(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand($"SELECT {KeyColumns} FROM api_keys ORDER BY created, id", connection);
            await using var reader = await command.ExecuteReaderAsync(token);
            var entries = new List<ApiKeyEntry>();
            while (await reader.ReadAsync(token))
            {
                entries.Add(ReadKey(reader));
            }

            return entries;
        }, cancellationToken);

    /// <summary>Revokes a key: every replica refuses it with 401 from its next request. Revoking twice is harmless.</summary>
    /// <returns>False when no key has this id.</returns>
    /// <exception cref="StorageException">NetworkError (transient) when the database cannot be reached; nothing is written.</exception>
    public Task<bool> RevokeKeyAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return RunAsync(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand("UPDATE api_keys SET revoked = coalesce(revoked, $2) WHERE id = $1", connection);
            command.Parameters.AddWithValue(id);
            command.Parameters.AddWithValue(_time.GetUtcNow());
            return await command.ExecuteNonQueryAsync(token) == 1;
        }, cancellationToken);
    }

    /// <summary>
    /// Sets a tenant's quota (replacing any earlier one), enforced by every replica from its next write.
    /// Usage counts every object written through a replica (this schema's <c>object_sizes</c>), so a
    /// quota set on a tenant that already has objects starts from their real total; objects put in the
    /// blob container by anything but the server are not counted.
    /// </summary>
    /// <param name="tenantPrefix">The tenant's key prefix, ending with <c>/</c>, or empty for the whole store.</param>
    /// <param name="maxBytes">The most bytes of content; null for no byte limit.</param>
    /// <param name="maxItems">The most objects; null for no item limit.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The quota with the tenant's usage now.</returns>
    /// <exception cref="ArgumentException">The prefix is not a valid key prefix ending with '/', both limits are null (use <see cref="RemoveQuotaAsync"/>), or a limit is negative.</exception>
    /// <exception cref="StorageException">NetworkError (transient) when the database cannot be reached; nothing is written.</exception>
    public Task<TenantQuota> SetQuotaAsync(string tenantPrefix, long? maxBytes, long? maxItems, CancellationToken cancellationToken = default)
    {
        ApiKeyStore.ValidateTenantPrefix(tenantPrefix);
        if (maxBytes is null && maxItems is null)
        {
            throw new ArgumentException("Give a byte limit, an item limit or both; to lift a tenant's quota, remove it (RemoveQuotaAsync).", nameof(maxBytes));
        }

        if (maxBytes < 0 || maxItems < 0)
        {
            throw new ArgumentException($"Quota limits must not be negative (maxBytes {maxBytes}, maxItems {maxItems}).", maxBytes < 0 ? nameof(maxBytes) : nameof(maxItems));
        }

        return RunAsync(async (connection, token) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(token);

            // The change log's row lock orders this with every recording of a change: usage is summed
            // after every earlier change and kept up by every later one, none counted twice or missed.
            await using (var lockHead = new NpgsqlCommand("SELECT 1 FROM change_log WHERE id = 1 FOR UPDATE", connection, transaction))
            {
                await lockHead.ExecuteNonQueryAsync(token);
            }

            await using var command = new NpgsqlCommand(
                """
                INSERT INTO tenant_quotas (prefix, max_bytes, max_items, used_bytes, used_items)
                SELECT $1, $2, $3, coalesce(sum(size), 0), count(*) FROM object_sizes WHERE starts_with(key, $1)
                ON CONFLICT (prefix) DO UPDATE SET max_bytes = excluded.max_bytes, max_items = excluded.max_items
                RETURNING used_bytes, used_items
                """, connection, transaction);
            command.Parameters.AddWithValue(tenantPrefix);
            command.Parameters.AddWithValue((object?)maxBytes ?? DBNull.Value);
            command.Parameters.AddWithValue((object?)maxItems ?? DBNull.Value);
            TenantQuota quota;
            await using (var reader = await command.ExecuteReaderAsync(token))
            {
                await reader.ReadAsync(token);
                quota = new TenantQuota(tenantPrefix, maxBytes, maxItems, reader.GetInt64(0), reader.GetInt64(1));
            }

            await transaction.CommitAsync(token);
            return quota;
        }, cancellationToken);
    }

    /// <summary>Lifts a tenant's quota. Returns false when it had none.</summary>
    /// <exception cref="StorageException">NetworkError (transient) when the database cannot be reached; nothing is written.</exception>
    public Task<bool> RemoveQuotaAsync(string tenantPrefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantPrefix);
        return RunAsync(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand("DELETE FROM tenant_quotas WHERE prefix = $1", connection);
            command.Parameters.AddWithValue(tenantPrefix);
            return await command.ExecuteNonQueryAsync(token) == 1;
        }, cancellationToken);
    }

    /// <summary>A tenant's quota and usage, or null when the tenant has no quota.</summary>
    /// <exception cref="StorageException">NetworkError (transient) when the database cannot be reached.</exception>
    public Task<TenantQuota?> GetQuotaAsync(string tenantPrefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantPrefix);
        return RunAsync(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand("SELECT max_bytes, max_items, used_bytes, used_items FROM tenant_quotas WHERE prefix = $1", connection);
            command.Parameters.AddWithValue(tenantPrefix);
            await using var reader = await command.ExecuteReaderAsync(token);
            return await reader.ReadAsync(token)
                ? new TenantQuota(tenantPrefix, reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3))
                : null;
        }, cancellationToken);
    }

    /// <summary>Every tenant quota with its usage, in tenant order.</summary>
    /// <exception cref="StorageException">NetworkError (transient) when the database cannot be reached.</exception>
    public Task<IReadOnlyList<TenantQuota>> ListQuotasAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<TenantQuota>>(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand("SELECT prefix, max_bytes, max_items, used_bytes, used_items FROM tenant_quotas ORDER BY prefix COLLATE \"C\"", connection);
            await using var reader = await command.ExecuteReaderAsync(token);
            var quotas = new List<TenantQuota>();
            while (await reader.ReadAsync(token))
            {
                quotas.Add(new TenantQuota(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
            }

            return quotas;
        }, cancellationToken);

    /// <summary>
    /// The secret named <paramref name="name"/>: a random one of <paramref name="length"/> bytes is inserted
    /// if absent, then whatever the row holds is read, so replicas starting together agree on the first one written.
    /// </summary>
    private static async Task<byte[]> ReadOrCreateSecretAsync(NpgsqlDataSource dataSource, string name, int length, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("INSERT INTO server_secrets (name, value, created) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING", connection))
        {
            insert.Parameters.AddWithValue(name);
            insert.Parameters.AddWithValue(System.Security.Cryptography.RandomNumberGenerator.GetBytes(length));
            insert.Parameters.AddWithValue(time.GetUtcNow());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var select = new NpgsqlCommand("SELECT value FROM server_secrets WHERE name = $1", connection);
        select.Parameters.AddWithValue(name);
        var value = (byte[])(await select.ExecuteScalarAsync(cancellationToken))!;
        if (value.Length != length)
        {
            throw new InvalidOperationException($"The database's server secret '{name}' is {value.Length} bytes long, not {length}: it was changed by hand. Delete its row in server_secrets and restart the replicas (they create a new one; listings in progress start again).");
        }

        return value;
    }

    /// <summary>Closes the connections; servers using it must be stopped first.</summary>
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    internal const string KeyColumns = "id, tenant_prefix, permissions, hash, created, revoked, description";

    internal static ApiKeyEntry ReadKey(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        TenantPrefix = reader.GetString(1),
        Permissions = (ApiKeyPermissions)reader.GetInt32(2),
        Hash = reader.GetString(3),
        Created = reader.GetFieldValue<DateTimeOffset>(4),
        Revoked = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
        Description = reader.IsDBNull(6) ? null : reader.GetString(6),
    };

    /// <summary>The key lookup of requests: a database that cannot be reached fails closed (503, transient).</summary>
    internal IApiKeyAuthenticator CreateAuthenticator() => new DatabaseKeyAuthenticator(this);

    /// <summary>Runs <paramref name="work"/> on a pooled connection; a database that cannot be reached is a transient NetworkError.</summary>
    internal async Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
            return await work(connection, cancellationToken);
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            ForgetConnections();
            throw Unreachable(e);
        }
    }

    /// <summary>
    /// Drops the idle pooled connections after a failure: after a database restart they are all broken,
    /// and each would fail one more request before the pool noticed.
    /// </summary>
    internal void ForgetConnections() => DataSource.Clear();

    /// <summary>Whether <paramref name="e"/> says the database could not be reached or dropped the connection (not a bug in a statement).</summary>
    internal static bool IsUnreachable(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e switch
        {
            PostgresException postgres => postgres.IsTransient || postgres.SqlState.StartsWith("57", StringComparison.Ordinal) || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
            NpgsqlException => true,
            TimeoutException => true,
            _ => false,
        };

    /// <summary>The error a caller sees while the database is unreachable: transient, naming no host or credential.</summary>
    internal static StorageException Unreachable(Exception e) =>
        new(StorageErrorCode.NetworkError, "The server's database cannot be reached right now, so the request was not carried out. Retry later; if this lasts, tell the operator.", e)
        { IsTransient = true, RetryAfter = Http.CloudProblem.UnavailableRetryAfter };

    internal int NextUnavailableChange() => Interlocked.Increment(ref _unavailableChange);

    /// <summary>Authenticates each request against the key's row (no cache, so revocation is seen at once).</summary>
    private sealed class DatabaseKeyAuthenticator(CloudDatabase database) : IApiKeyAuthenticator
    {
        private int _failing;

        public string Source => "the database";

        public async ValueTask<ApiKeyEntry?> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken)
        {
            if (ApiKeyStore.IdOf(presentedKey) is not { } id)
            {
                return null;
            }

            ApiKeyEntry? entry = null;
            try
            {
                await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
                await using var command = new NpgsqlCommand($"SELECT {KeyColumns} FROM api_keys WHERE id = $1", connection);
                command.Parameters.AddWithValue(id);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    entry = ReadKey(reader);
                }
            }
            catch (Exception e) when (IsUnreachable(e, cancellationToken))
            {
                database.ForgetConnections();

                // One change number per outage, so the server logs it once.
                int change = Volatile.Read(ref _failing) is var current and not 0 ? current : database.NextUnavailableChange();
                Volatile.Write(ref _failing, change);
                throw new ApiKeyStoreUnavailableException("The database holding the API keys cannot be reached: " + e.Message, change, e);
            }

            Volatile.Write(ref _failing, 0);
            return ApiKeyStore.Verify(presentedKey!, entry);
        }
    }
}
