using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Changes;
using Atomiton.Storage.Cloud.Server.Http;
using Atomiton.Storage.Cloud.Server.State;
using Npgsql;
using NpgsqlTypes;

namespace Atomiton.Storage.Cloud.Server.Database;

/// <summary>
/// The change log in the database, one for every replica. A write takes a session-level advisory lock
/// per key (so two replicas writing one key record their changes in the order they wrote), records an
/// intent, runs the engine write, and records its changes in one transaction that also removes the
/// intent. Sequence numbers come from the single <c>change_log</c> row, updated in that transaction:
/// its row lock is held until commit, so numbers are handed out without gaps or duplicates and a
/// transaction with number n+1 commits only after the one with n — a reader's snapshot that shows
/// <c>latest</c> = L shows every change up to L, and never skips one committed late.
/// <para>
/// A write whose outcome is unknown (the engine failed midway) is reconciled: its keys are statted and
/// their state recorded. An intent left behind — its replica died, or the database went away before the
/// changes were recorded — is reconciled by any replica that can take its keys' locks (the owner holds
/// them while it writes), at start and every <see cref="ReconcileInterval"/>, and before a read when
/// this replica knows of one. Changes older than <see cref="CloudServerOptions.ChangeRetention"/> are
/// removed (the row's <c>floor</c> moves past them); a cursor before the floor is expired (Trusted).
/// </para>
/// </summary>
internal sealed class DatabaseChangeLog : IChangeLog
{
    /// <summary>How often intents left behind are looked for.</summary>
    public static readonly TimeSpan ReconcileInterval = TimeSpan.FromSeconds(30);

    /// <summary>The longest a long poll waits before looking at the database again for other replicas' changes.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly CloudDatabase _database;
    private readonly IStorageEngine _engine;
    private readonly CloudServerOptions _options;
    private readonly ITimer _compactor;
    private readonly ITimer _reconciler;
    private readonly SemaphoreSlim _reconcileGate = new(1, 1);
    private int _pending;
    private TaskCompletionSource _changed = NewSignal();

    public DatabaseChangeLog(CloudDatabase database, IStorageEngine engine, CloudServerOptions options)
    {
        if (options.ChangeRetention <= TimeSpan.Zero || options.ChangeCompactionInterval <= TimeSpan.Zero || options.MaxChangeWait <= TimeSpan.Zero)
        {
            throw new ArgumentException($"CloudServerOptions.ChangeRetention ({options.ChangeRetention}), ChangeCompactionInterval ({options.ChangeCompactionInterval}) and MaxChangeWait ({options.MaxChangeWait}) must be positive.", nameof(options));
        }

        _database = database;
        _engine = engine;
        _options = options;
        _compactor = options.TimeProvider.CreateTimer(_ => _ = CompactQuietlyAsync(), null, TimeSpan.Zero, options.ChangeCompactionInterval);
        _reconciler = options.TimeProvider.CreateTimer(_ => _ = ReconcileQuietlyAsync(), null, TimeSpan.Zero, ReconcileInterval);
    }

    public void Dispose()
    {
        _compactor.Dispose();
        _reconciler.Dispose();
    }

    public async Task<T> WriteAsync<T>(IReadOnlyList<string> keys, Func<CancellationToken, Task<T>> write, Func<T, IReadOnlyList<ChangeRecord>> changes, CancellationToken cancellationToken, bool refusalsChangeNothing = true, Func<CancellationToken, Task<IReadOnlyList<QuotaClaim>>>? claims = null)
    {
        if (Volatile.Read(ref _pending) != 0)
        {
            await ReconcileQuietlyAsync();
        }

        NpgsqlConnection connection;
        long intent;
        try
        {
            connection = await _database.DataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (CloudDatabase.IsUnreachable(e, cancellationToken))
        {
            _database.ForgetConnections();
            throw NotRecorded(e);
        }

        await using (connection)
        {
            try
            {
                if (await LockKeysAndInsertIntentAsync(connection, keys, quotasMatter: claims is not null, cancellationToken) is { } inserted)
                {
                    intent = inserted;
                }
                else
                {
                    await ReconcileOverlappingAsync(connection, keys, cancellationToken);
                    intent = await InsertIntentAsync(connection, keys, claims, cancellationToken);
                }
            }
            catch (Exception e) when (CloudDatabase.IsUnreachable(e, cancellationToken))
            {
                _database.ForgetConnections();

                // Nothing was written to the engine: refuse the write rather than perform it unlogged.
                throw NotRecorded(e);
            }
            catch
            {
                // Refused by a quota (or cancelled): nothing was written; let the keys go.
                await UnlockAllAsync(connection);
                throw;
            }

            bool unlocked = false;
            try
            {
                T result;
                try
                {
                    result = await write(cancellationToken);
                }
                catch (StorageException e) when (refusalsChangeNothing ? ChangeLog.ChangesNothing(e.Code) : e.Code is StorageErrorCode.InvalidKey or StorageErrorCode.InvalidArgument or StorageErrorCode.UnsupportedOperation)
                {
                    unlocked = await TryRecordAsync(connection, intent, [], CancellationToken.None);
                    throw;
                }
                catch
                {
                    await TryReconcileAsync(connection, intent, keys);
                    throw;
                }

                unlocked = await TryRecordAsync(connection, intent, changes(result), CancellationToken.None);
                return result;
            }
            finally
            {
                if (!unlocked)
                {
                    await UnlockAllAsync(connection);
                }
            }
        }
    }

    public async Task<ChangeCursor> LatestAsync(string prefix, CancellationToken cancellationToken)
    {
        var head = await _database.RunAsync(async (connection, token) => await ReadHeadAsync(connection, null, token), cancellationToken);
        return new ChangeCursor(head.Epoch, head.Latest, prefix);
    }

    public async Task<(IReadOnlyList<WireChange> Changes, ChangeCursor Next, bool HasMore)> ReadAsync(ChangeCursor cursor, string tenantPrefix, int limit, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _pending) != 0)
        {
            await ReconcileQuietlyAsync();
        }

        var scope = tenantPrefix + cursor.Prefix;
        return await _database.RunAsync(async (connection, token) =>
        {
            // One snapshot for the head and the changes: every change up to 'latest' is in it.
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, token);
            var head = await ReadHeadAsync(connection, transaction, token);
            CheckCursor(cursor, head);
            var changes = new List<WireChange>(Math.Min(limit, 64));
            long next = head.Latest;
            bool hasMore = false;
            if (cursor.Seq < head.Latest)
            {
                await using var command = new NpgsqlCommand(
                    "SELECT seq, record FROM changes WHERE seq > $1 AND seq <= $2 AND (starts_with(key, $3) OR starts_with(from_key, $3)) ORDER BY seq LIMIT $4",
                    connection, transaction);
                command.Parameters.AddWithValue(cursor.Seq);
                command.Parameters.AddWithValue(head.Latest);
                command.Parameters.AddWithValue(scope);
                command.Parameters.AddWithValue(limit + 1);
                await using var reader = await command.ExecuteReaderAsync(token);
                while (await reader.ReadAsync(token))
                {
                    long seq = reader.GetInt64(0);
                    var record = JsonSerializer.Deserialize<ChangeRecord>(reader.GetString(1), CloudJson.Options)!;
                    if (ChangeLog.Visible(record, tenantPrefix, scope) is not { } change)
                    {
                        continue;
                    }

                    if (changes.Count == limit)
                    {
                        hasMore = true;
                        break;
                    }

                    changes.Add(change);
                    next = seq;
                }

                if (!hasMore)
                {
                    next = head.Latest;
                }
            }

            await transaction.CommitAsync(token);
            return ((IReadOnlyList<WireChange>)changes, cursor with { Seq = next }, hasMore);
        }, cancellationToken);
    }

    public async Task<bool> WaitAsync(ChangeCursor cursor, string tenantPrefix, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var current = cursor;
        while (true)
        {
            // Taken before looking, so a change this replica records between the look and the wait still wakes us.
            var signal = Volatile.Read(ref _changed).Task;
            var (changes, next, hasMore) = await ReadAsync(current, tenantPrefix, 1, cancellationToken);
            if (changes.Count > 0)
            {
                return true;
            }

            current = next;
            if (hasMore)
            {
                continue;
            }

            try
            {
                // Other replicas' changes are seen at the next look, at most one poll interval later.
                await signal.WaitAsync(PollInterval, _options.TimeProvider, linked.Token);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    /// <summary>Removes the changes older than the retention and moves the floor past them.</summary>
    public Task CompactAsync(CancellationToken cancellationToken) =>
        _database.RunAsync(async (connection, token) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(token);
            await using (var lockHead = new NpgsqlCommand("SELECT latest FROM change_log WHERE id = 1 FOR UPDATE", connection, transaction))
            {
                await lockHead.ExecuteNonQueryAsync(token);
            }

            await using var command = new NpgsqlCommand(
                """
                WITH cut AS (SELECT max(seq) AS upto FROM changes WHERE at < $1),
                     gone AS (DELETE FROM changes WHERE seq <= (SELECT upto FROM cut))
                UPDATE change_log SET floor = greatest(floor, coalesce((SELECT upto FROM cut), floor)) WHERE id = 1
                """, connection, transaction);
            command.Parameters.AddWithValue(_options.TimeProvider.GetUtcNow() - _options.ChangeRetention);
            await command.ExecuteNonQueryAsync(token);
            await transaction.CommitAsync(token);
            return 0;
        }, cancellationToken);

    /// <summary>Reconciles every intent whose keys no write holds (left behind by a dead replica or an outage).</summary>
    public async Task ReconcileLeftBehindAsync(CancellationToken cancellationToken)
    {
        // One pass at a time in this process: a pass that finds an intent's keys held by another pass
        // of its own would skip it, and the caller expects the intents it knows of to be done.
        await _reconcileGate.WaitAsync(cancellationToken);
        Volatile.Write(ref _pending, 0);
        try
        {
            await _database.RunAsync(async (connection, token) =>
            {
                var intents = new List<(long Id, string[] Keys)>();
                await using (var command = new NpgsqlCommand("SELECT id, keys FROM change_intents ORDER BY id", connection))
                await using (var reader = await command.ExecuteReaderAsync(token))
                {
                    while (await reader.ReadAsync(token))
                    {
                        intents.Add((reader.GetInt64(0), reader.GetFieldValue<string[]>(1)));
                    }
                }

                foreach (var (id, keys) in intents)
                {
                    if (!await TryLockKeysAsync(connection, keys, token))
                    {
                        continue; // its writer still holds the keys
                    }

                    try
                    {
                        if (await IntentExistsAsync(connection, id, token))
                        {
                            await RecordAsync(connection, id, await UnrecordedAsync(connection, await StatAsync(keys), token), token);
                        }
                    }
                    finally
                    {
                        await UnlockAllAsync(connection);
                    }
                }

                return 0;
            }, cancellationToken);
        }
        catch (StorageException)
        {
            Volatile.Write(ref _pending, 1);
            throw;
        }
        finally
        {
            _reconcileGate.Release();
        }
    }

    private static StorageException NotRecorded(Exception e) =>
        new(StorageErrorCode.NetworkError, "The server's database cannot be reached, so this write could not be recorded in the change log and nothing was written. Retry later; if this lasts, tell the operator.", e)
        { IsTransient = true, RetryAfter = CloudProblem.UnavailableRetryAfter };

    private static void CheckCursor(ChangeCursor cursor, (string Epoch, long Floor, long Latest) head)
    {
        if (!string.Equals(cursor.Epoch, head.Epoch, StringComparison.Ordinal))
        {
            throw new StorageException(StorageErrorCode.CursorExpired,
                "The change cursor belongs to another change log (another database, or one that was replaced). Do not trust what was derived from it: list again, compare, and get a new cursor.")
            { CursorTrust = ChangeCursorTrust.Untrusted };
        }

        if (cursor.Seq > head.Latest)
        {
            throw new StorageException(StorageErrorCode.CursorExpired,
                "The change cursor is ahead of this server's change log: the database went back in time (restored from a backup). Do not trust what was derived from it: list again, compare, and get a new cursor.")
            { CursorTrust = ChangeCursorTrust.Untrusted };
        }

        if (cursor.Seq < head.Floor)
        {
            throw new StorageException(StorageErrorCode.CursorExpired,
                "The changes after this cursor were forgotten: this server keeps changes for a limited time. Your state is still a valid history: list again, compare, and get a new cursor.")
            { CursorTrust = ChangeCursorTrust.Trusted };
        }
    }

    private static async Task<(string Epoch, long Floor, long Latest)> ReadHeadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT epoch, floor, latest FROM change_log WHERE id = 1", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The database lacks its change_log row: its schema was changed by hand.");
        }

        return (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>Case-insensitive, as the file log's stripes: engines that fold case see one key.</summary>
    private static long LockOf(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key.ToUpperInvariant()), hash);
        return BitConverter.ToInt64(hash[..8]);
    }

    /// <summary>
    /// Takes the keys' locks (in a fixed order, so two writers of overlapping keys cannot deadlock) and,
    /// when no earlier intent of these keys is left unrecorded and no quota covers them (or
    /// <paramref name="quotasMatter"/> is false), records the write's intent: one batch, one round trip.
    /// Returns null, with the locks held, when that is not so; the caller then reconciles the earlier
    /// intents and checks the quotas (<see cref="ReconcileOverlappingAsync"/>, <see cref="InsertIntentAsync"/>).
    /// The intent statement runs after the locks are granted, so it sees every intent the keys' previous
    /// holder removed (a writer records and commits before it lets its keys go).
    /// </summary>
    private async Task<long?> LockKeysAndInsertIntentAsync(NpgsqlConnection connection, IReadOnlyList<string> keys, bool quotasMatter, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (long id in keys.Select(LockOf).Distinct().Order())
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_lock($1)") { Parameters = { new() { Value = id } } });
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "INSERT INTO change_intents (keys, at) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM change_intents WHERE keys && $1)"
            + (quotasMatter ? " AND NOT EXISTS (SELECT 1 FROM tenant_quotas q WHERE EXISTS (SELECT 1 FROM unnest($1) k WHERE starts_with(k, q.prefix)))" : "")
            + " RETURNING id")
        {
            Parameters =
            {
                new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = keys.ToArray() },
                new() { Value = _options.TimeProvider.GetUtcNow() },
            },
        });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        for (int i = 1; i < batch.BatchCommands.Count; i++)
        {
            await reader.NextResultAsync(cancellationToken);
        }

        return await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : null;
    }

    /// <summary>
    /// Records, before a write, what an earlier write of the same keys left unrecorded: a write acknowledged
    /// while the database could not take its change (an outage), or one whose replica died. Its intent
    /// is still there and nobody is writing those keys (its writer held their locks while it wrote; now
    /// the caller does), so their state now is what that write left, which the feed must list before
    /// this write's change. Without this, a write through another replica could supersede it first and
    /// the feed would never list an acknowledged version.
    /// </summary>
    private async Task ReconcileOverlappingAsync(NpgsqlConnection connection, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var overlapping = new List<(long Id, string[] Keys)>();
        await using (var command = new NpgsqlCommand("SELECT id, keys FROM change_intents WHERE keys && $1 ORDER BY id", connection))
        {
            command.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, keys.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                overlapping.Add((reader.GetInt64(0), reader.GetFieldValue<string[]>(1)));
            }
        }

        var held = keys.Select(LockOf).ToHashSet();
        foreach (var (id, intentKeys) in overlapping)
        {
            // A move's other key may be another writer's or reconciler's now: then leave it to the passes.
            var taken = new List<long>();
            bool all = true;
            foreach (long other in intentKeys.Select(LockOf).Where(l => !held.Contains(l)).Distinct().Order())
            {
                await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
                command.Parameters.AddWithValue(other);
                if (await command.ExecuteScalarAsync(cancellationToken) is not true)
                {
                    all = false;
                    break;
                }

                taken.Add(other);
            }

            try
            {
                if (all && await IntentExistsAsync(connection, id, cancellationToken))
                {
                    await RecordAsync(connection, id, await UnrecordedAsync(connection, await StatAsync(intentKeys), cancellationToken), cancellationToken);
                }
            }
            finally
            {
                foreach (long other in taken)
                {
                    await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
                    command.Parameters.AddWithValue(other);
                    await command.ExecuteNonQueryAsync(CancellationToken.None);
                }
            }
        }
    }

    private static async Task<bool> TryLockKeysAsync(NpgsqlConnection connection, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        foreach (long id in keys.Select(LockOf).Distinct().Order())
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
            command.Parameters.AddWithValue(id);
            if (await command.ExecuteScalarAsync(cancellationToken) is not true)
            {
                await UnlockAllAsync(connection);
                return false;
            }
        }

        return true;
    }

    private static async Task UnlockAllAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", connection);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // A broken connection has lost its locks already.
        }
    }

    /// <summary>
    /// Records the intent of a write; when a tenant quota covers one of its keys, first checks the write
    /// against it and reserves the room it needs, in the same transaction. The quota rows are locked
    /// while checking, so replicas check one after the other and each sees the others' reservations:
    /// usage plus reservations never passes a limit.
    /// </summary>
    /// <exception cref="StorageException">QuotaExceeded when the write would take a tenant past its quota; nothing was recorded.</exception>
    private async Task<long> InsertIntentAsync(NpgsqlConnection connection, IReadOnlyList<string> keys, Func<CancellationToken, Task<IReadOnlyList<QuotaClaim>>>? claims, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var reservations = claims is null ? [] : await CheckQuotasAsync(connection, transaction, keys, claims, cancellationToken);
        long intent;
        await using (var command = new NpgsqlCommand("INSERT INTO change_intents (keys, at) VALUES ($1, $2) RETURNING id", connection, transaction))
        {
            command.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, keys.ToArray());
            command.Parameters.AddWithValue(_options.TimeProvider.GetUtcNow());
            intent = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        foreach (var (prefix, bytes, items) in reservations)
        {
            await using var reserve = new NpgsqlCommand("INSERT INTO quota_reservations (intent_id, prefix, bytes, items) VALUES ($1, $2, $3, $4)", connection, transaction);
            reserve.Parameters.AddWithValue(intent);
            reserve.Parameters.AddWithValue(prefix);
            reserve.Parameters.AddWithValue(bytes);
            reserve.Parameters.AddWithValue(items);
            await reserve.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return intent;
    }

    /// <summary>Checks a write against the quotas of the tenants its keys are in; returns the room to reserve per tenant.</summary>
    private static async Task<List<(string Prefix, long Bytes, long Items)>> CheckQuotasAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<string> keys, Func<CancellationToken, Task<IReadOnlyList<QuotaClaim>>> claims, CancellationToken cancellationToken)
    {
        var quotas = new List<(string Prefix, long? MaxBytes, long? MaxItems, long UsedBytes, long UsedItems)>();
        await using (var command = new NpgsqlCommand(
            "SELECT prefix, max_bytes, max_items, used_bytes, used_items FROM tenant_quotas q WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) k WHERE starts_with(k, q.prefix)) ORDER BY prefix FOR UPDATE",
            connection, transaction))
        {
            command.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, keys.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                quotas.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
            }
        }

        if (quotas.Count == 0)
        {
            return [];
        }

        // Only now (a quota applies): a copy or a move learns its source's size here.
        var claimed = await claims(cancellationToken);
        var current = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var sizes = new NpgsqlCommand("SELECT key, size FROM object_sizes WHERE key = ANY($1)", connection, transaction))
        {
            sizes.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, claimed.Select(c => c.Key).Distinct(StringComparer.Ordinal).ToArray());
            await using var reader = await sizes.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                current[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var reservations = new List<(string Prefix, long Bytes, long Items)>(quotas.Count);
        foreach (var quota in quotas)
        {
            long bytes = 0, items = 0, written = 0;
            string? grown = null;
            foreach (var claim in claimed.Where(c => c.Key.StartsWith(quota.Prefix, StringComparison.Ordinal)))
            {
                bool had = current.TryGetValue(claim.Key, out long old);
                bytes += (claim.Size ?? 0) - old;
                items += (claim.Size is null ? 0 : 1) - (had ? 1 : 0);
                if (claim.Size is { } size)
                {
                    written += size;
                    grown ??= claim.Key;
                }
            }

            if (bytes <= 0 && items <= 0)
            {
                continue;
            }

            long reservedBytes, reservedItems;
            await using (var reserved = new NpgsqlCommand("SELECT coalesce(sum(bytes), 0)::bigint, coalesce(sum(items), 0)::bigint FROM quota_reservations WHERE prefix = $1", connection, transaction))
            {
                reserved.Parameters.AddWithValue(quota.Prefix);
                await using var reader = await reserved.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                reservedBytes = reader.GetInt64(0);
                reservedItems = reader.GetInt64(1);
            }

            long wouldUse = quota.UsedBytes + reservedBytes + bytes;
            if (bytes > 0 && quota.MaxBytes is { } maxBytes && wouldUse > maxBytes)
            {
                throw new StorageException(StorageErrorCode.QuotaExceeded,
                    $"Saving {written} bytes under key '{grown}' would use {wouldUse} of the tenant's {maxBytes}-byte quota (writes in progress included). Nothing was written. Delete objects, or ask the operator to raise the quota.")
                { Key = grown, Operation = "save" };
            }

            if (items > 0 && quota.MaxItems is { } maxItems && quota.UsedItems + reservedItems + items > maxItems)
            {
                throw new StorageException(StorageErrorCode.QuotaExceeded,
                    $"Saving key '{grown}' would exceed the tenant's limit of {maxItems} objects (writes in progress included). Nothing was written. Delete objects, or ask the operator to raise the quota.")
                { Key = grown, Operation = "save" };
            }

            reservations.Add((quota.Prefix, Math.Max(bytes, 0), Math.Max(items, 0)));
        }

        return reservations;
    }

    /// <summary>
    /// The statement that keeps <c>object_sizes</c> and the usage of the tenants with a quota in step with
    /// one key's new size (null: gone). Each recording transaction updates the <c>change_log</c> row
    /// first and holds its lock until commit, and so does setting a quota, so no other writer of
    /// <c>object_sizes</c> or usage runs between this statement's read of the old size and its writes.
    /// The quotas over the key move by the difference only when there is one (as before, a same-size
    /// overwrite touches no quota row).
    /// </summary>
    private static NpgsqlBatchCommand SetSize(string key, long? size) => size is { } bytes
        ? new NpgsqlBatchCommand(
            """
            WITH old AS (SELECT size FROM object_sizes WHERE key = $1),
                 put AS (INSERT INTO object_sizes (key, size) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET size = excluded.size)
            UPDATE tenant_quotas
            SET used_bytes = used_bytes + $2 - coalesce((SELECT size FROM old), 0),
                used_items = used_items + 1 - (SELECT count(*) FROM old)
            WHERE starts_with($1, prefix) AND $2 IS DISTINCT FROM (SELECT size FROM old)
            """)
        {
            Parameters = { new() { Value = key }, new() { Value = bytes } },
        }
        : new NpgsqlBatchCommand(
            """
            WITH gone AS (DELETE FROM object_sizes WHERE key = $1 RETURNING size)
            UPDATE tenant_quotas
            SET used_bytes = used_bytes - (SELECT size FROM gone), used_items = used_items - 1
            WHERE starts_with($1, prefix) AND EXISTS (SELECT 1 FROM gone)
            """)
        {
            Parameters = { new() { Value = key } },
        };

    private static async Task<bool> IntentExistsAsync(NpgsqlConnection connection, long intent, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM change_intents WHERE id = $1", connection);
        command.Parameters.AddWithValue(intent);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>
    /// Numbers and inserts the changes, keeps sizes and quota usage in step, and removes the intent: one
    /// batch, so one round trip and one implicit transaction (a failing statement rolls back the ones
    /// before it and skips the rest). The batch's first statement takes the <c>change_log</c> row's lock,
    /// held until the batch commits: only while PostgreSQL runs these statements, never across a
    /// round trip to this process, so writers of every replica queue on it for the least time.
    /// With <paramref name="unlockAfterCommit"/>, the same round trip then lets go of every advisory lock
    /// of the connection: the transaction ends at an error barrier (a Sync: the commit) before the unlock,
    /// so the next writer of these keys sees the changes and the intent gone.
    /// </summary>
    private async Task RecordAsync(NpgsqlConnection connection, long intent, IReadOnlyList<ChangeRecord> changes, CancellationToken cancellationToken, bool unlockAfterCommit = false)
    {
        await using var batch = new NpgsqlBatch(connection);
        if (changes.Count > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE change_log SET latest = latest + $1 WHERE id = 1") { Parameters = { new() { Value = (long)changes.Count } } });
            var now = _options.TimeProvider.GetUtcNow();
            for (int i = 0; i < changes.Count; i++)
            {
                // Numbered from the row this transaction just moved: the i-th change is latest - (count - 1 - i).
                var record = changes[i] with { Seq = 0, IntentId = intent, At = now };
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    "INSERT INTO changes (seq, at, key, from_key, record) SELECT latest - $1, $2, $3, $4, jsonb_set($5, '{s}', to_jsonb(latest - $1)) FROM change_log WHERE id = 1")
                {
                    Parameters =
                    {
                        new() { Value = (long)(changes.Count - 1 - i) }, new() { Value = now }, new() { Value = record.Key! },
                        new() { Value = (object?)record.From ?? DBNull.Value },
                        new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(record, CloudJson.Options) },
                    },
                });
            }

            foreach (var change in changes)
            {
                if (change.Kind == ChangeRecord.Move && change.From is { } from)
                {
                    batch.BatchCommands.Add(SetSize(from, null));
                }

                if (change.Key is { } key)
                {
                    batch.BatchCommands.Add(SetSize(key, change.Kind == ChangeRecord.Delete ? null : change.Item?.Size ?? 0));
                }
            }
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM change_intents WHERE id = $1") { Parameters = { new() { Value = intent } }, AppendErrorBarrier = unlockAfterCommit });
        if (unlockAfterCommit)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_unlock_all()"));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        if (changes.Count > 0)
        {
            Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
        }
    }

    /// <summary>
    /// Records a write the engine carried out. When the database cannot take it now, the intent stays
    /// and is reconciled later (the write itself stands: it was made, and the caller is answered).
    /// </summary>
    /// <returns>True when the changes were recorded and the connection's key locks let go after the commit (same round trip).</returns>
    private async Task<bool> TryRecordAsync(NpgsqlConnection connection, long intent, IReadOnlyList<ChangeRecord> changes, CancellationToken cancellationToken)
    {
        try
        {
            await RecordAsync(connection, intent, changes, cancellationToken, unlockAfterCommit: true);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            Volatile.Write(ref _pending, 1);
            return false;
        }
    }

    /// <summary>Records the current state of the keys after a write of unknown outcome; on failure leaves the intent for later.</summary>
    private async Task TryReconcileAsync(NpgsqlConnection connection, long intent, IReadOnlyList<string> keys)
    {
        try
        {
            await RecordAsync(connection, intent, await UnrecordedAsync(connection, await StatAsync(keys), CancellationToken.None), CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or StorageException)
        {
            Volatile.Write(ref _pending, 1);
        }
    }

    /// <summary>
    /// The reconciled states that are not already the last recorded change of their key. An intent's write
    /// may have been superseded by a later one that was recorded (its replica died, the client retried on
    /// another); recording that state again would list one version twice in the feed. The caller holds the
    /// keys' locks, so no write records a change of them meanwhile.
    /// </summary>
    private static async Task<IReadOnlyList<ChangeRecord>> UnrecordedAsync(NpgsqlConnection connection, IReadOnlyList<ChangeRecord> states, CancellationToken cancellationToken)
    {
        var unrecorded = new List<ChangeRecord>(states.Count);
        foreach (var state in states)
        {
            await using var command = new NpgsqlCommand("SELECT key, record FROM changes WHERE key = $1 OR from_key = $1 ORDER BY seq DESC LIMIT 1", connection);
            command.Parameters.AddWithValue(state.Key!);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                var last = JsonSerializer.Deserialize<ChangeRecord>(reader.GetString(1), CloudJson.Options)!;
                bool lastDeleted = last.Kind == ChangeRecord.Delete || !string.Equals(reader.GetString(0), state.Key, StringComparison.Ordinal);
                bool same = state.Kind == ChangeRecord.Delete
                    ? lastDeleted
                    : !lastDeleted && string.Equals(last.Item?.Etag, state.Item?.Etag, StringComparison.Ordinal);
                if (same)
                {
                    continue;
                }
            }

            unrecorded.Add(state);
        }

        return unrecorded;
    }

    private async Task<IReadOnlyList<ChangeRecord>> StatAsync(IReadOnlyList<string> keys)
    {
        var records = new List<ChangeRecord>(keys.Count);
        foreach (var key in keys)
        {
            try
            {
                var item = await _engine.StatAsync(key, CancellationToken.None);
                records.Add(new ChangeRecord { Kind = ChangeRecord.Upsert, Key = key, Item = WireItem.From(item, string.Empty) });
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
            {
                records.Add(new ChangeRecord { Kind = ChangeRecord.Delete, Key = key });
            }
        }

        return records;
    }

    private async Task CompactQuietlyAsync()
    {
        try
        {
            await CompactAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is StorageException or ObjectDisposedException)
        {
            // Tried again at the next interval.
        }
    }

    private async Task ReconcileQuietlyAsync()
    {
        try
        {
            await ReconcileLeftBehindAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is StorageException or ObjectDisposedException)
        {
            // Tried again at the next interval.
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
