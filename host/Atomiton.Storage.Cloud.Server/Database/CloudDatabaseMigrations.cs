using Npgsql;

namespace Atomiton.Storage.Cloud.Server.Database;

/// <summary>
/// The database schema, as numbered steps applied in order at start-up. Each step runs in its own
/// transaction under a transaction-level advisory lock, so replicas starting together apply it once;
/// <c>atomiton_cloud_schema</c> records the steps applied. Steps are never edited once shipped: a
/// change is a new step at the end.
/// </summary>
internal static class CloudDatabaseMigrations
{
    /// <summary>The advisory lock every migration takes (an arbitrary constant: "atomiton" in ASCII).</summary>
    private const long MigrationLock = 0x61746f6d69746f6e;

    private static readonly string[] Steps =
    [
        // 1: tenants, keys, rate windows, upload sessions and the change log.
        """
        CREATE TABLE tenants (
            prefix text COLLATE "C" PRIMARY KEY,
            created timestamptz NOT NULL);
        CREATE TABLE api_keys (
            id text PRIMARY KEY,
            tenant_prefix text COLLATE "C" NOT NULL REFERENCES tenants (prefix),
            permissions integer NOT NULL,
            hash text NOT NULL,
            created timestamptz NOT NULL,
            revoked timestamptz NULL,
            description text NULL);
        CREATE TABLE rate_windows (
            key_id text NOT NULL,
            window_start timestamptz NOT NULL,
            used integer NOT NULL,
            PRIMARY KEY (key_id, window_start));
        CREATE TABLE upload_sessions (
            id text PRIMARY KEY,
            tenant_prefix text COLLATE "C" NOT NULL,
            session jsonb NOT NULL,
            length bigint NOT NULL DEFAULT 0,
            committed jsonb NULL,
            last_activity timestamptz NOT NULL);
        CREATE INDEX upload_sessions_last_activity ON upload_sessions (last_activity);
        CREATE TABLE upload_chunks (
            session_id text NOT NULL REFERENCES upload_sessions (id) ON DELETE CASCADE,
            start_offset bigint NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (session_id, start_offset));
        CREATE TABLE change_log (
            id integer PRIMARY KEY CHECK (id = 1),
            epoch text NOT NULL,
            floor bigint NOT NULL,
            latest bigint NOT NULL);
        INSERT INTO change_log (id, epoch, floor, latest) VALUES (1, md5(gen_random_uuid()::text), 0, 0);
        CREATE TABLE changes (
            seq bigint PRIMARY KEY,
            at timestamptz NOT NULL,
            key text COLLATE "C" NOT NULL,
            from_key text COLLATE "C" NULL,
            record jsonb NOT NULL);
        CREATE INDEX changes_at ON changes (at);
        CREATE TABLE change_intents (
            id bigserial PRIMARY KEY,
            keys text[] NOT NULL,
            at timestamptz NOT NULL);
        """,

        // 2: per-tenant quotas. The size of every object written through a replica (object_sizes), the
        // quota of a tenant with its usage kept in step by the transaction that records each change, and
        // the room an in-flight write has reserved (removed with its intent).
        """
        CREATE TABLE object_sizes (
            key text COLLATE "C" PRIMARY KEY,
            size bigint NOT NULL);
        CREATE TABLE tenant_quotas (
            prefix text COLLATE "C" PRIMARY KEY,
            max_bytes bigint NULL,
            max_items bigint NULL,
            used_bytes bigint NOT NULL,
            used_items bigint NOT NULL);
        CREATE TABLE quota_reservations (
            intent_id bigint NOT NULL REFERENCES change_intents (id) ON DELETE CASCADE,
            prefix text COLLATE "C" NOT NULL,
            bytes bigint NOT NULL,
            items bigint NOT NULL,
            PRIMARY KEY (intent_id, prefix));
        CREATE INDEX quota_reservations_prefix ON quota_reservations (prefix);
        """,

        // 3: secrets every replica shares, created once by whichever replica comes first (insert if
        // absent, then read): the key that seals listing continuation tokens.
        """
        CREATE TABLE server_secrets (
            name text COLLATE "C" PRIMARY KEY,
            value bytea NOT NULL,
            created timestamptz NOT NULL);
        """,
    ];

    /// <summary>The schema version this build writes and reads.</summary>
    public static int LatestVersion => Steps.Length;

    /// <summary>Applies the steps the database lacks; returns the version it is at afterwards.</summary>
    /// <exception cref="InvalidOperationException">The database is at a newer version than this build knows.</exception>
    public static async Task<int> ApplyAsync(NpgsqlDataSource dataSource, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS atomiton_cloud_schema (version integer PRIMARY KEY, applied timestamptz NOT NULL)", connection))
        {
            // Two replicas creating it at once: one wins, the other's duplicate is harmless.
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
            {
            }
        }

        int version = 0;
        for (int step = 1; step <= Steps.Length; step++)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
            {
                lockCommand.Parameters.AddWithValue(MigrationLock);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var current = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM atomiton_cloud_schema", connection, transaction))
            {
                version = Convert.ToInt32(await current.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            }

            if (version > Steps.Length)
            {
                throw new InvalidOperationException($"The database's Atomiton Cloud schema is at version {version}, newer than this server's {Steps.Length}: upgrade the server (or point it at another database).");
            }

            if (version < step)
            {
                await using (var apply = new NpgsqlCommand(Steps[step - 1], connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }

                await using var record = new NpgsqlCommand("INSERT INTO atomiton_cloud_schema (version, applied) VALUES ($1, $2)", connection, transaction);
                record.Parameters.AddWithValue(step);
                record.Parameters.AddWithValue(time.GetUtcNow());
                await record.ExecuteNonQueryAsync(cancellationToken);
                version = step;
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return version;
    }
}
