using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Cloud.Server.Changes;
using Atomiton.Storage.Cloud.Server.Database;
using Atomiton.Storage.Cloud.Server.Uploads;
using Atomiton.Storage.Cloud.Wire;
using Atomiton.Storage.Memory;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Cloud.Scale.Tests;

/// <summary>
/// The PostgreSQL stores on their own, two instances on one database standing for two replicas:
/// migrations, keys and revocation, shared rate limits, upload sessions handed between replicas,
/// and the change log's numbering under concurrent writers.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class DatabaseStateTests(PostgresFixture postgres)
{
    [SkippableFact]
    public async Task Migrations_apply_once_when_replicas_start_together_and_again_is_a_no_op()
    {
        var connectionString = await DatabaseAsync();
        var opened = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => CloudDatabase.OpenAsync(connectionString)));
        Assert.All(opened, d => Assert.Equal(CloudDatabaseMigrations.LatestVersion, d.SchemaVersion));
        await using var again = await CloudDatabase.OpenAsync(connectionString);
        Assert.Equal(CloudDatabaseMigrations.LatestVersion, again.SchemaVersion);
        foreach (var database in opened)
        {
            await database.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task A_key_revoked_through_one_replica_is_refused_by_another_at_its_next_request()
    {
        var connectionString = await DatabaseAsync();
        await using var first = await CloudDatabase.OpenAsync(connectionString);
        await using var second = await CloudDatabase.OpenAsync(connectionString);
        var created = await first.CreateKeyAsync("acme/", ApiKeyPermissions.Read | ApiKeyPermissions.Write, "tests");
        var authenticator = second.CreateAuthenticator();

        var entry = await authenticator.AuthenticateAsync(created.Key, CancellationToken.None);
        Assert.NotNull(entry);
        Assert.Equal("acme/", entry.TenantPrefix);
        Assert.Null(await authenticator.AuthenticateAsync(created.Key[..^1] + (created.Key[^1] == 'A' ? 'B' : 'A'), CancellationToken.None));

        Assert.True(await first.RevokeKeyAsync(created.Entry.Id));
        Assert.Null(await authenticator.AuthenticateAsync(created.Key, CancellationToken.None));
        Assert.False(await first.RevokeKeyAsync("0000000000000000"));
        var listed = Assert.Single(await second.ListKeysAsync());
        Assert.True(listed.IsRevoked);
        Assert.DoesNotContain(created.Key, listed.Hash, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Rate_limit_windows_are_one_budget_for_every_replica()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var connectionString = await DatabaseAsync();
        await using var first = await CloudDatabase.OpenAsync(connectionString, time);
        await using var second = await CloudDatabase.OpenAsync(connectionString, time);
        using var a = new DatabaseRateLimiter(first, permits: 5, TimeSpan.FromSeconds(10));
        using var b = new DatabaseRateLimiter(second, permits: 5, TimeSpan.FromSeconds(10));

        var answers = new List<TimeSpan?>();
        for (int i = 0; i < 8; i++)
        {
            answers.Add(await (i % 2 == 0 ? a : b).TryAcquireAsync("key1", CancellationToken.None));
        }

        Assert.Equal(5, answers.Count(x => x is null));
        Assert.All(answers.Skip(5), x => Assert.Equal(TimeSpan.FromSeconds(10), x));
        Assert.Null(await b.TryAcquireAsync("key2", CancellationToken.None));

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(await a.TryAcquireAsync("key1", CancellationToken.None));
        await a.RemoveOldWindowsAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task An_upload_started_on_one_replica_goes_on_and_commits_on_another()
    {
        var connectionString = await DatabaseAsync();
        await using var first = await CloudDatabase.OpenAsync(connectionString);
        await using var second = await CloudDatabase.OpenAsync(connectionString);
        var options = new CloudServerOptions { Database = first };
        await using var engine = new MemoryEngine();
        using var storeA = new DatabaseUploadSessionStore(first, options);
        using var storeB = new DatabaseUploadSessionStore(second, options);
        using var logB = new DatabaseChangeLog(second, engine, options);
        var content = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();

        var session = await storeA.CreateAsync("acme/", "big.bin", new WireUploadRequest { Key = "big.bin", Length = content.Length, IfNotExists = true }, CancellationToken.None);
        Assert.Equal(100_000, await storeA.AppendAsync(session, 0, new MemoryStream(content, 0, 100_000), 100_000, CancellationToken.None));

        var onB = await storeB.FindAsync(session.Id, "acme/", CancellationToken.None);
        Assert.NotNull(onB);
        Assert.Null(await storeB.FindAsync(session.Id, "other/", CancellationToken.None));
        var mismatch = await Assert.ThrowsAsync<UploadOffsetMismatchException>(() => storeB.AppendAsync(onB, 0, new MemoryStream(content, 0, 10), 10, CancellationToken.None));
        Assert.Equal(100_000, mismatch.CurrentOffset);

        // A chunk whose body ends early adds nothing.
        await Assert.ThrowsAsync<EndOfStreamException>(() => storeB.AppendAsync(onB, 100_000, new MemoryStream(content, 100_000, 50), 100_000, CancellationToken.None));
        Assert.Equal(100_000, await storeA.OffsetOfAsync(session, CancellationToken.None));

        Assert.Equal(300_000, await storeB.AppendAsync(onB, 100_000, new MemoryStream(content, 100_000, 200_000), 200_000, CancellationToken.None));
        var item = await storeB.CommitAsync(onB, engine, logB, CancellationToken.None);
        Assert.Equal(content.Length, item.Size);
        Assert.Equal((item.Etag, item.Size), await storeA.CommitAsync(session, engine, logB, CancellationToken.None) is { } again ? (again.Etag, again.Size) : default);
        Assert.Equal(item.Etag, (await storeA.FindCommittedAsync(session, CancellationToken.None))?.Etag);
        Assert.Single((await logB.ReadAsync(await logB.LatestAsync("", CancellationToken.None) with { Seq = 0 }, "acme/", 10, CancellationToken.None)).Changes);

        Assert.Equal(content, await engine.LoadBytesAsync("acme/big.bin"));
    }

    [SkippableFact]
    public async Task Concurrent_writers_on_two_replicas_get_contiguous_sequence_numbers_and_readers_never_skip_one()
    {
        var connectionString = await DatabaseAsync();
        await using var first = await CloudDatabase.OpenAsync(connectionString);
        await using var second = await CloudDatabase.OpenAsync(connectionString);
        var options = new CloudServerOptions { Database = first };
        await using var engine = new MemoryEngine();
        using var logA = new DatabaseChangeLog(first, engine, options);
        using var logB = new DatabaseChangeLog(second, engine, options);
        var start = await logA.LatestAsync("", CancellationToken.None);

        const int Writers = 8;
        const int WritesEach = 40;
        using var done = new CancellationTokenSource();
        var seen = new List<string>();
        var reader = Task.Run(async () =>
        {
            // Reads while the writers write: whatever it has seen must be a prefix of the final order.
            var cursor = start;
            while (true)
            {
                bool last = done.IsCancellationRequested;
                var (changes, next, _) = await logB.ReadAsync(cursor, "", 1000, CancellationToken.None);
                seen.AddRange(changes.Select(c => c.Key));
                cursor = next;
                if (last)
                {
                    return;
                }
            }
        });

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < WritesEach; i++)
            {
                var log = (w + i) % 2 == 0 ? logA : logB;
                var key = $"t/w{w}/k{i}";
                await log.WriteAsync([key],
                    token => engine.SaveAsync(key, new MemoryStream([1, 2, 3]), new SaveOptions(), token).AsTask(),
                    saved => [new ChangeRecord { Kind = ChangeRecord.Upsert, Key = saved.Key }],
                    CancellationToken.None);
            }
        })));
        await done.CancelAsync();
        await reader;

        var (all, end, more) = await logA.ReadAsync(start, "", 1000, CancellationToken.None);
        Assert.False(more);
        Assert.Equal(Writers * WritesEach, all.Count);
        Assert.Equal(all.Count, all.Select(c => c.Key).Distinct().Count());
        Assert.Equal(start.Seq + (Writers * WritesEach), end.Seq);
        Assert.Equal(all.Select(c => c.Key), seen);
    }

    [SkippableFact]
    public async Task Changes_past_the_retention_are_compacted_and_a_cursor_before_them_expires_trusted()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var connectionString = await DatabaseAsync();
        await using var database = await CloudDatabase.OpenAsync(connectionString, time);
        var options = new CloudServerOptions { Database = database, TimeProvider = time, ChangeRetention = TimeSpan.FromDays(1) };
        await using var engine = new MemoryEngine();
        using var log = new DatabaseChangeLog(database, engine, options);
        var before = await log.LatestAsync("", CancellationToken.None);
        await WriteAsync(log, engine, "a/old");
        time.Advance(TimeSpan.FromDays(2));
        await WriteAsync(log, engine, "a/new");
        await log.CompactAsync(CancellationToken.None);

        var expired = await Assert.ThrowsAsync<StorageException>(() => log.ReadAsync(before, "", 10, CancellationToken.None));
        Assert.Equal(StorageErrorCode.CursorExpired, expired.Code);
        Assert.Equal(ChangeCursorTrust.Trusted, expired.CursorTrust);
        var (changes, _, _) = await log.ReadAsync(before with { Seq = before.Seq + 1 }, "", 10, CancellationToken.None);
        Assert.Equal("a/new", Assert.Single(changes).Key);

        var foreign = await Assert.ThrowsAsync<StorageException>(() => log.ReadAsync(before with { Epoch = new string('0', 32) }, "", 10, CancellationToken.None));
        Assert.Equal(ChangeCursorTrust.Untrusted, foreign.CursorTrust);
    }

    [SkippableFact]
    public async Task An_intent_left_by_a_dead_writer_is_reconciled_by_another_replica()
    {
        var connectionString = await DatabaseAsync();
        await using var database = await CloudDatabase.OpenAsync(connectionString);
        var options = new CloudServerOptions { Database = database };
        await using var engine = new MemoryEngine();
        using var log = new DatabaseChangeLog(database, engine, options);
        var before = await log.LatestAsync("", CancellationToken.None);

        // A writer that recorded its intent and wrote, then died before recording the change.
        await engine.SaveAsync("x/orphan", new MemoryStream([9]), new SaveOptions());
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        await using (var command = new Npgsql.NpgsqlCommand("INSERT INTO change_intents (keys, at) VALUES (ARRAY['x/orphan'], now())", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        await log.ReconcileLeftBehindAsync(CancellationToken.None);
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        await using (var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM change_intents", connection))
        {
            Assert.Equal(0L, await command.ExecuteScalarAsync());
        }

        var (changes, _, _) = await log.ReadAsync(before, "x/", 10, CancellationToken.None);
        var change = Assert.Single(changes);
        Assert.Equal(("upserted", "orphan"), (change.Kind, change.Key));
        await log.ReconcileLeftBehindAsync(CancellationToken.None);
        Assert.Single((await log.ReadAsync(before, "x/", 10, CancellationToken.None)).Changes);
    }

    private static Task<StorageItem> WriteAsync(DatabaseChangeLog log, MemoryEngine engine, string key) =>
        log.WriteAsync([key],
            token => engine.SaveAsync(key, new MemoryStream([1]), new SaveOptions(), token).AsTask(),
            saved => [new ChangeRecord { Kind = ChangeRecord.Upsert, Key = saved.Key }],
            CancellationToken.None);

    private async Task<string> DatabaseAsync()
    {
        Skip.If(postgres.Unavailable is not null, postgres.Unavailable);
        return await postgres.CreateDatabaseAsync();
    }
}
