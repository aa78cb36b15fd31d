using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Atomiton.Storage.Plugins.AzureBlob.Tests;
using Xunit.Abstractions;

namespace Atomiton.Storage.Cloud.Scale.Tests;

/// <summary>
/// <c>/healthz</c> and <c>/readyz</c>, and a database restart under running replicas: requests fail
/// with a clear transient error while it is down, and succeed again once it is back, without a server
/// restart; what was acknowledged before is still there.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class HealthAndOutageTests(PostgresFixture postgres, AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Eight raw HTTP clients keep writing (each its own four keys, alternating the two replicas) and
    /// reading while the database is stopped and started again. While it is down, a write is refused
    /// with 503 and a transient problem that says to retry later and names no server detail;
    /// nothing else fails. Once it is back, writes succeed again on both replicas without a restart;
    /// afterwards every acknowledged write is readable, and the change feed from before the run lists
    /// every acknowledged version exactly once, in order (a write acknowledged while its change could
    /// not be recorded is recorded by reconciliation, once).
    /// </summary>
    [SkippableFact]
    public async Task A_database_restart_under_load_refuses_writes_as_transient_and_loses_nothing_acknowledged()
    {
        const int Clients = 8;
        const int Keys = 4;
        const int AcknowledgedPerPhase = 200;
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 2);
        var key = await set.CreateKeyAsync("restart/");
        var http = new[] { set.RawClient(0, key.Key), set.RawClient(1, key.Key) };
        await using var feedReader = await set.ConnectAsync(1, key.Key);
        var cursor = await feedReader.GetChangeCursorAsync();
        using var guard = new CancellationTokenSource(HangGuard);

        var acknowledged = new ConcurrentDictionary<string, List<(string ETag, byte[] Content)>>(StringComparer.Ordinal);
        var errors = new ConcurrentQueue<string>();
        long acks = 0;
        long acksAfter = 0;
        long refusals = 0;
        int phase = 0; // 0 before the stop, 1 while stopped, 2 after the start
        var enoughBefore = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var enoughRefused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var enoughAfter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool stop = false;

        async Task CheckRefusalAsync(HttpResponseMessage response, string what)
        {
            var body = await response.Content.ReadAsStringAsync(guard.Token);
            // Both refusals (the key check's and the change log's "could not be recorded ... nothing was
            // written") say transient, "Retry later", and when (Retry-After).
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                errors.Enqueue($"{what}: {(int)response.StatusCode} {body}");
                return;
            }

            if (response.Headers.RetryAfter?.Delta is not { } retryAfter || retryAfter <= TimeSpan.Zero)
            {
                errors.Enqueue($"{what}: a 503 without a positive Retry-After: {body}");
            }

            var problem = JsonDocument.Parse(body).RootElement;
            var detail = problem.GetProperty("detail").GetString() ?? "";
            if (!problem.GetProperty("transient").GetBoolean() || !detail.Contains("Retry later", StringComparison.Ordinal)
                || body.Contains("127.0.0.1", StringComparison.Ordinal) || body.Contains("Host=", StringComparison.Ordinal) || body.Contains(key.Key, StringComparison.Ordinal))
            {
                errors.Enqueue($"{what}: the refusal is not a clear transient one without server details: {body}");
            }

            if (Volatile.Read(ref phase) == 0)
            {
                errors.Enqueue($"{what}: refused before the database was stopped: {body}");
            }

            if (Interlocked.Increment(ref refusals) >= 50)
            {
                enoughRefused.TrySetResult();
            }
        }

        async Task RunClientAsync(int client)
        {
            for (int op = 0; !Volatile.Read(ref stop); op++)
            {
                var own = $"c{client}/k{op % Keys}";
                var target = http[(client + op) % 2];
                int phaseAtStart = Volatile.Read(ref phase);
                var content = BitConverter.GetBytes(((long)client << 32) | (uint)op);
                using var put = await target.PutAsync("/v1/objects/" + own, new ByteArrayContent(content), guard.Token);
                if (put.StatusCode == HttpStatusCode.OK)
                {
                    var etag = (await put.Content.ReadFromJsonAsync<JsonElement>(guard.Token)).GetProperty("etag").GetString()!;
                    acknowledged.GetOrAdd(own, _ => []).Add((etag, content));
                    long n = Interlocked.Increment(ref acks);
                    if (phaseAtStart == 0 && n >= AcknowledgedPerPhase)
                    {
                        enoughBefore.TrySetResult();
                    }
                    else if (phaseAtStart == 2 && Interlocked.Increment(ref acksAfter) >= AcknowledgedPerPhase)
                    {
                        enoughAfter.TrySetResult();
                    }
                }
                else
                {
                    await CheckRefusalAsync(put, $"client {client} put {own}");
                }

                // Read back the last acknowledged version of another of its keys through the other replica.
                var other = $"c{client}/k{(op + 1) % Keys}";
                if (acknowledged.TryGetValue(other, out var versions) && versions.Count > 0)
                {
                    using var get = await http[(client + op + 1) % 2].GetAsync("/v1/objects/" + other, guard.Token);
                    if (get.StatusCode == HttpStatusCode.OK)
                    {
                        if (!(await get.Content.ReadAsByteArrayAsync(guard.Token)).AsSpan().SequenceEqual(versions[^1].Content))
                        {
                            errors.Enqueue($"client {client} get {other}: other bytes than its last acknowledged put.");
                        }
                    }
                    else
                    {
                        await CheckRefusalAsync(get, $"client {client} get {other}");
                    }
                }
            }
        }

        var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(() => RunClientAsync(c))).ToArray();
        await enoughBefore.Task.WaitAsync(guard.Token);
        long acksBefore = Interlocked.Read(ref acks);
        Volatile.Write(ref phase, 1);
        await postgres.StopAsync();
        try
        {
            await enoughRefused.Task.WaitAsync(guard.Token);
        }
        finally
        {
            await postgres.StartAsync();
        }

        long acksWhileDown = Interlocked.Read(ref acks) - acksBefore;
        Volatile.Write(ref phase, 2);

        // Recovered without a server restart: acknowledged writes on both replicas after the start.
        await Task.WhenAny(enoughAfter.Task, Task.WhenAll(clients)).WaitAsync(guard.Token);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(clients).WaitAsync(guard.Token);
        Assert.True(enoughAfter.Task.IsCompleted, $"Fewer than {AcknowledgedPerPhase} writes were acknowledged after the database came back.");
        Assert.True(errors.IsEmpty, $"{errors.Count} errors:\n" + string.Join("\n", errors.Take(20)));
        Assert.True(Interlocked.Read(ref refusals) >= 50);

        // Every acknowledged write is readable (its last version), through either replica.
        foreach (var (own, versions) in acknowledged)
        {
            Assert.Equal(versions[^1].Content, await http[0].GetByteArrayAsync("/v1/objects/" + own, guard.Token));
        }

        // The feed lists every acknowledged version exactly once, in order, and nothing else.
        await LoadTests.ReconcileLeftBehindAsync(azurite, set.Container, set.ConnectionString);
        var feed = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (bool more = true; more;)
        {
            var page = await feedReader.ReadChangesAsync(cursor, cancellationToken: guard.Token);
            foreach (var change in page.Changes)
            {
                Assert.Equal(StorageChangeKind.Upserted, change.Kind);
                feed.TryAdd(change.Key, []);
                feed[change.Key].Add(change.Item!.ETag);
            }

            cursor = page.Cursor;
            more = page.HasMore;
        }

        Assert.Equal(acknowledged.Keys.Order(StringComparer.Ordinal), feed.Keys.Order(StringComparer.Ordinal));
        foreach (var (own, versions) in acknowledged)
        {
            Assert.Equal(versions.Select(v => v.ETag), feed[own]);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Interlocked.Read(ref acks)} writes acknowledged ({acksBefore} before the stop, {acksWhileDown} between the stop and the start, {acksAfter} after it), {refusals} requests refused as transient while the database was down."));
        foreach (var client in http)
        {
            client.Dispose();
        }
    }

    /// <summary>
    /// The change log's own refusal, made certain: the key check succeeds, then the write's intent waits
    /// on a table lock held by the test, and the test ends that database session (as a restart would).
    /// The write is refused with 503, Retry-After, and the change log's words; nothing was written.
    /// </summary>
    [SkippableFact]
    public async Task A_write_whose_change_cannot_be_recorded_is_refused_with_503_and_Retry_After()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 1);
        var key = await set.CreateKeyAsync("unrecorded/");
        using var client = set.RawClient(0, key.Key);
        using var guard = new CancellationTokenSource(HangGuard);

        await using var admin = new Npgsql.NpgsqlConnection(set.ConnectionString);
        await admin.OpenAsync(guard.Token);
        await using var transaction = await admin.BeginTransactionAsync(guard.Token);
        await using (var lockIntents = new Npgsql.NpgsqlCommand("LOCK TABLE change_intents IN ACCESS EXCLUSIVE MODE", admin, transaction))
        {
            await lockIntents.ExecuteNonQueryAsync(guard.Token);
        }

        var put = client.PutAsync("/v1/objects/refused.txt", new ByteArrayContent("x"u8.ToArray()), guard.Token);

        // The session whose intent waits on the lock; looked for until it is there (or the guard fires),
        // from a connection of its own (a transaction sees pg_stat_activity as it was at its first look).
        await using var observer = new Npgsql.NpgsqlConnection(set.ConnectionString);
        await observer.OpenAsync(guard.Token);
        int? waiting = null;
        while (waiting is null)
        {
            Assert.False(put.IsCompleted, "The write finished before it reached the locked change log: " + (put.IsCompletedSuccessfully ? put.Result.StatusCode.ToString() : put.Exception?.Message));
            await using var find = new Npgsql.NpgsqlCommand(
                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO change_intents%'", observer);
            waiting = await find.ExecuteScalarAsync(guard.Token) as int?;
            if (waiting is null)
            {
                await Task.Yield();
            }
        }

        await using (var terminate = new Npgsql.NpgsqlCommand("SELECT pg_terminate_backend($1)", admin, transaction) { Parameters = { new() { Value = waiting.Value } } })
        {
            await terminate.ExecuteNonQueryAsync(guard.Token);
        }

        using var refused = await put;
        await transaction.RollbackAsync(guard.Token);
        var body = await refused.Content.ReadAsStringAsync(guard.Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "The 503 has no positive Retry-After: " + body);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.True(problem.GetProperty("transient").GetBoolean());
        Assert.Contains("could not be recorded in the change log and nothing was written. Retry later", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/objects/refused.txt", guard.Token)).StatusCode);
    }

    [SkippableFact]
    public async Task Readiness_follows_the_database_through_a_restart_and_requests_recover_without_a_server_restart()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 2);
        var key = await set.CreateKeyAsync("out/");
        using var anonymous = set.RawClient(0, null);
        using var client = set.RawClient(1, key.Key);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        var ready = await anonymous.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");
        Assert.Equal("ok", checks.GetProperty("database").GetString());
        Assert.Equal("ok", checks.GetProperty("storage").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/v1/objects/before.txt", new ByteArrayContent("kept"u8.ToArray()))).StatusCode);

        await postgres.StopAsync();
        try
        {
            // Liveness does not depend on the database; readiness and every keyed request do.
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
            var notReady = await anonymous.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Equal("unreachable", (await notReady.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("database").GetString());

            var refused = await client.PutAsync("/v1/objects/during.txt", new ByteArrayContent("x"u8.ToArray()));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("transient").GetBoolean());
            var detail = problem.GetProperty("detail").GetString()!;
            Assert.Contains("Retry later", detail, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", detail, StringComparison.Ordinal);
            Assert.DoesNotContain(key.Key, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await postgres.StartAsync();
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/v1/objects/after.txt", new ByteArrayContent("new"u8.ToArray()))).StatusCode);
        Assert.Equal("kept"u8.ToArray(), await client.GetByteArrayAsync("/v1/objects/before.txt"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/objects/during.txt")).StatusCode);
    }

    [SkippableFact]
    public async Task Readiness_names_the_storage_when_the_blob_service_refuses()
    {
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 1);
        using var anonymous = set.RawClient(0, null);
        await set.Replicas[0].Engine.DisposeAsync();
        var notReady = await anonymous.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        var checks = (await notReady.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");
        Assert.Equal("ok", checks.GetProperty("database").GetString());
        Assert.Equal("unreachable", checks.GetProperty("storage").GetString());
    }
}
