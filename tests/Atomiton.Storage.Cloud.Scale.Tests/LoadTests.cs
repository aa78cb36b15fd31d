using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Database;
using Atomiton.Storage.Plugins.AzureBlob.Tests;
using Npgsql;
using Xunit.Abstractions;

namespace Atomiton.Storage.Cloud.Scale.Tests;

/// <summary>
/// The issue's load test: three <c>serve</c> processes on one database and one blob container, 64 <c>cloud</c>
/// clients (each with all three endpoints: spread and failover) × 2,000 seeded mixed operations, with
/// create-only races on shared keys; half-way one replica is SIGKILLed. Checked: no error other than the
/// races' conflicts; at most one acknowledged winner per race and the stored bytes are its own; every
/// listing and load matches the client's model; every acknowledged write is readable afterwards; and the
/// change feed read from a cursor taken before the run lists every acknowledged change exactly once, in
/// order, per key and version, with no version twice.
/// <para>
/// An operation that was in flight when the replica died may have been carried out there without an
/// answer (the client then retried it on a survivor): its outcome is ambiguous, as it is for any client of
/// any service, so it may leave one unacknowledged version in the feed, or a race won by a client that
/// was told "conflict" on its retry. Only such operations are allowed that, and the test counts them.
/// </para>
/// CI runs 12 clients × 100 operations; <c>ATOMITON_CLOUD_LOAD=full</c> runs the issue's 64 × 2,000 and
/// <c>ATOMITON_CLOUD_LOAD=CLIENTSxOPERATIONS</c> (such as <c>32x500</c>) any other.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class LoadTests(PostgresFixture postgres, AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Seed = 22;
    private const int OwnKeys = 8;

    /// <summary>
    /// The hang guard watches progress, not the total time: the issue's 64 × 2,000 takes tens of minutes on a
    /// small machine, and a fixed total would fail a slow machine's correct run. No operation starting for
    /// this long, with clients left to run, is a hang.
    /// </summary>
    private static readonly TimeSpan StallGuard = TimeSpan.FromMinutes(5);

    [SkippableFact]
    public async Task Mixed_load_with_races_survives_a_SIGKILLed_replica_without_losing_or_repeating_an_acknowledged_change()
    {
        var (clients, operations) = Counts();
        string loadBefore = await File.ReadAllTextAsync("/proc/loadavg");
        await using var set = await ServeReplicas.StartAsync(postgres, azurite, 3);
        var key = await set.CreateKeyAsync("load/");
        var engines = await Task.WhenAll(Enumerable.Range(0, clients).Select(c => set.ConnectAsync(c % 3, key.Key)));
        var cursor = await engines[1].GetChangeCursorAsync();

        // Own keys: one client each, so the client's model is the truth.
        var state = new ConcurrentDictionary<string, (byte[] Content, string ETag)?>(StringComparer.Ordinal);
        var acknowledged = new ConcurrentDictionary<string, List<string?>>(StringComparer.Ordinal); // per key: etag of an upsert, null for a delete
        var ambiguousKeys = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        // Races: key -> acknowledged winners (with their etags), and the clients told "conflict" by an operation in flight at the kill.
        var winners = new ConcurrentDictionary<string, ConcurrentQueue<(int Client, string ETag)>>(StringComparer.Ordinal);
        var ambiguousLosers = new ConcurrentDictionary<string, ConcurrentBag<int>>(StringComparer.Ordinal);
        long conflicts = 0;

        var errors = new ConcurrentQueue<string>();
        int done = 0;
        int killAt = clients * operations / 2;
        int killing = 0;
        int killed = 0;
        long ambiguousOperations = 0;
        using var guard = new CancellationTokenSource();
        using var stopWatchdog = new CancellationTokenSource();
        var watchdog = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
            int seen = -1;
            var since = Stopwatch.StartNew();
            try
            {
                while (await timer.WaitForNextTickAsync(stopWatchdog.Token))
                {
                    int now = Volatile.Read(ref done);
                    if (now != seen)
                    {
                        (seen, since) = (now, Stopwatch.StartNew());
                    }
                    else if (since.Elapsed > StallGuard)
                    {
                        errors.Enqueue($"no operation started for {StallGuard.TotalMinutes} minutes with {now} of {clients * operations} started: a hang (the hang guard cancelled the run).");
                        await guard.CancelAsync();
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The run ended.
            }
        });

        async Task RunClientAsync(int client)
        {
            var random = new Random(Seed + client);
            var engine = engines[client];
            for (int op = 0; op < operations; op++)
            {
                if (Interlocked.Increment(ref done) == killAt)
                {
                    Volatile.Write(ref killing, 1);
                    set.Kill(0);
                    Volatile.Write(ref killed, 1);
                }

                bool startedBeforeKill = Volatile.Read(ref killed) == 0;
                string own = $"c{client}/k{random.Next(OwnKeys)}";
                int dice = random.Next(100);

                // Race keys move with the run, so races are decided all along it, not only at its start.
                string race = $"race/w{op / 50}/r{random.Next(8)}";
                bool Ambiguous() => startedBeforeKill && Volatile.Read(ref killing) == 1;
                try
                {
                    if (dice < 40)
                    {
                        var content = BitConverter.GetBytes(((long)client << 32) | (uint)op);
                        var item = await engine.SaveAsync(own, content, cancellationToken: guard.Token);
                        state[own] = (content, item.ETag);
                        acknowledged.GetOrAdd(own, _ => []).Add(item.ETag);
                        if (Ambiguous())
                        {
                            ambiguousKeys[own] = true;
                            Interlocked.Increment(ref ambiguousOperations);
                        }
                    }
                    else if (dice < 55)
                    {
                        if (state.TryGetValue(own, out var expected) && expected is { } written)
                        {
                            var read = await engine.LoadBytesAsync(own, cancellationToken: guard.Token);
                            if (!read.AsSpan().SequenceEqual(written.Content))
                            {
                                errors.Enqueue($"client {client} op {op}: {own} read other bytes than its last acknowledged save.");
                            }
                        }
                        else if (await engine.ExistsAsync(own, guard.Token))
                        {
                            errors.Enqueue($"client {client} op {op}: {own} exists though it was deleted or never saved.");
                        }
                    }
                    else if (dice < 75)
                    {
                        try
                        {
                            var item = await engine.SaveAsync(race, BitConverter.GetBytes(client), new SaveOptions { Condition = WriteCondition.IfNotExists }, guard.Token);
                            winners.GetOrAdd(race, _ => []).Enqueue((client, item.ETag));
                        }
                        catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
                        {
                            Interlocked.Increment(ref conflicts);
                            if (Ambiguous())
                            {
                                ambiguousLosers.GetOrAdd(race, _ => []).Add(client);
                                Interlocked.Increment(ref ambiguousOperations);
                            }
                        }
                    }
                    else if (dice < 88)
                    {
                        bool deleted = await engine.DeleteAsync(own, cancellationToken: guard.Token);
                        bool existed = state.TryGetValue(own, out var before) && before is not null;
                        if (Ambiguous())
                        {
                            ambiguousKeys[own] = true;
                            Interlocked.Increment(ref ambiguousOperations);
                        }
                        else if (deleted != existed)
                        {
                            errors.Enqueue($"client {client} op {op}: deleting {own} answered deleted={deleted}, though it {(existed ? "existed" : "did not exist")}.");
                        }

                        if (deleted)
                        {
                            acknowledged.GetOrAdd(own, _ => []).Add(null);
                        }

                        state[own] = null;
                    }
                    else
                    {
                        var listed = new List<string>();
                        await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = $"c{client}/" }, guard.Token))
                        {
                            listed.Add(entry.Key);
                        }

                        var expected = state.Where(p => p.Key.StartsWith($"c{client}/", StringComparison.Ordinal) && p.Value is not null).Select(p => p.Key).Order(StringComparer.Ordinal);
                        if (!listed.Order(StringComparer.Ordinal).SequenceEqual(expected))
                        {
                            errors.Enqueue($"client {client} op {op}: listing c{client}/ found [{string.Join(", ", listed)}], expected [{string.Join(", ", expected)}].");
                        }
                    }
                }
                catch (StorageException e)
                {
                    errors.Enqueue($"client {client} op {op} ({dice}): {e.Code} {e.Message}");
                }
            }
        }

        var clock = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => RunClientAsync(c))));
        }
        catch (OperationCanceledException) when (guard.IsCancellationRequested)
        {
            Assert.Fail(string.Join("\n", errors.Take(20)));
        }
        finally
        {
            clock.Stop();
            await stopWatchdog.CancelAsync();
            await watchdog;
        }

        string loadAfter = await File.ReadAllTextAsync("/proc/loadavg");
        Assert.Equal(1, killed);
        Assert.True(errors.IsEmpty, $"{errors.Count} errors:\n" + string.Join("\n", errors.Take(20)));

        // Every acknowledged write is readable afterwards, through the survivors.
        var reader = engines[1];
        foreach (var (own, expected) in state)
        {
            if (expected is { } written)
            {
                Assert.Equal(written.Content, await reader.LoadBytesAsync(own));
                Assert.Equal(written.ETag, (await reader.StatAsync(own)).ETag);
            }
            else
            {
                Assert.False(await reader.ExistsAsync(own), $"{own} exists though its last acknowledged operation deleted it.");
            }
        }

        // Races: at most one acknowledged winner each, and the stored bytes are its own; a race without one
        // was won by a create that was in flight at the kill (its client was told "conflict" on the retry).
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        int ambiguousRaces = 0;
        await foreach (var entry in reader.ListAsync(new ListOptions { Prefix = "race/" }))
        {
            var etag = (await reader.StatAsync(entry.Key)).ETag;
            stored[entry.Key] = etag;
            int owner = BitConverter.ToInt32(await reader.LoadBytesAsync(entry.Key));
            if (winners.TryGetValue(entry.Key, out var won))
            {
                Assert.True(won.Count == 1, $"{entry.Key} was acknowledged to {won.Count} clients: {string.Join(", ", won.Select(w => w.Client))}.");
                Assert.Equal(won.Single().Client, owner);
                Assert.Equal(won.Single().ETag, etag);
            }
            else
            {
                Assert.True(ambiguousLosers.TryGetValue(entry.Key, out var losers) && losers.Contains(owner),
                    $"{entry.Key} holds client {owner}'s bytes, but no create of it was acknowledged and none of its was in flight at the kill.");
                ambiguousRaces++;
            }
        }

        Assert.All(winners.Keys, race => Assert.True(stored.ContainsKey(race), $"{race} was won (acknowledged) but is not stored."));

        // Intents the killed replica left behind are reconciled by any survivor within 30 s; do that pass
        // now, as a survivor would, so the feed below is the settled one.
        await ReconcileLeftBehindAsync(azurite, set.Container, set.ConnectionString);

        // The feed from the cursor taken before the run, per key in order.
        var feed = new Dictionary<string, List<string?>>(StringComparer.Ordinal);
        int changes = 0;
        for (bool more = true; more;)
        {
            var page = await reader.ReadChangesAsync(cursor);
            foreach (var change in page.Changes)
            {
                Assert.Null(change.PreviousKey);
                feed.TryAdd(change.Key, []);
                feed[change.Key].Add(change.Kind == StorageChangeKind.Deleted ? null : change.Item!.ETag);
                changes++;
            }

            cursor = page.Cursor;
            more = page.HasMore;
        }

        // Races: exactly one change each, the stored version.
        foreach (var (race, etag) in stored)
        {
            Assert.True(feed.TryGetValue(race, out var listed) && listed.Count == 1 && listed[0] == etag,
                $"The feed lists {race} as [{string.Join(", ", feed.GetValueOrDefault(race) ?? [])}]; expected exactly its stored version {etag}.");
        }

        // Own keys: every acknowledged change exactly once and in order; no version twice; another change
        // only on a key an operation in flight at the kill wrote; the last change is the key's final state.
        int unacknowledgedChanges = 0;
        foreach (var (own, listed) in feed.Where(p => !p.Key.StartsWith("race/", StringComparison.Ordinal)))
        {
            Assert.StartsWith("c", own, StringComparison.Ordinal);
            var versions = listed.Where(v => v is not null).ToList();
            Assert.True(versions.Count == versions.Distinct(StringComparer.Ordinal).Count(),
                $"The feed lists a version of {own} more than once: [{string.Join(", ", listed.Select(v => v ?? "deleted"))}].");
            for (int i = 1; i < listed.Count; i++)
            {
                Assert.False(listed[i] is null && listed[i - 1] is null, $"The feed lists two deletes of {own} in a row: [{string.Join(", ", listed.Select(v => v ?? "deleted"))}].");
            }

            var expected = acknowledged.GetValueOrDefault(own) ?? [];
            int matched = 0;
            foreach (var version in listed)
            {
                if (matched < expected.Count && version == expected[matched])
                {
                    matched++;
                }
                else
                {
                    Assert.True(ambiguousKeys.ContainsKey(own),
                        $"The feed lists {version ?? "a delete"} of {own}, which no client was acknowledged in that place: feed [{string.Join(", ", listed.Select(v => v ?? "deleted"))}], acknowledged [{string.Join(", ", expected.Select(v => v ?? "deleted"))}].");
                    unacknowledgedChanges++;
                }
            }

            Assert.True(matched == expected.Count,
                $"The feed misses acknowledged changes of {own}: feed [{string.Join(", ", listed.Select(v => v ?? "deleted"))}], acknowledged [{string.Join(", ", expected.Select(v => v ?? "deleted"))}].");
            Assert.Equal(state.GetValueOrDefault(own)?.ETag, listed[^1]);
        }

        Assert.All(acknowledged.Where(p => p.Value.Count > 0), p => Assert.True(feed.ContainsKey(p.Key), $"The feed has no change of {p.Key}, which was written."));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{clients} clients × {operations} operations on 3 serve processes in {clock.Elapsed.TotalSeconds:0.0} s ({clients * operations / clock.Elapsed.TotalSeconds:0} ops/s); replica 0 SIGKILLed after {killAt} operations. " +
            $"{stored.Count} races ({conflicts} conflicts, {ambiguousRaces} won by a create in flight at the kill); {changes} changes in the feed, {unacknowledgedChanges} of them unacknowledged (in flight at the kill, {ambiguousOperations} such operations). " +
            $"Load average before: {loadBefore.Trim()}; after: {loadAfter.Trim()}."));
        foreach (var engine in engines)
        {
            await engine.DisposeAsync();
        }
    }

    /// <summary>
    /// 12 clients × 100 operations by default; <c>ATOMITON_CLOUD_LOAD=full</c> for the issue's 64 × 2,000,
    /// or <c>CLIENTSxOPERATIONS</c>. The full run does not fit in CI's minutes on a 2-core machine shared
    /// with other builds (docs/benchmarks.md, "Atomiton Cloud at scale", has the measured figures).
    /// </summary>
    internal static (int Clients, int Operations) Counts()
    {
        var value = Environment.GetEnvironmentVariable("ATOMITON_CLOUD_LOAD");
        if (string.IsNullOrEmpty(value))
        {
            return (12, 100);
        }

        if (value == "full")
        {
            return (64, 2000);
        }

        var parts = value.Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int clients) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int operations) || clients < 3 || operations < 20)
        {
            throw new ArgumentException($"ATOMITON_CLOUD_LOAD is '{value}'; set it to CLIENTSxOPERATIONS, such as 32x500 (at least 3 clients and 20 operations), 'full' for the issue's 64x2000, or unset it for 12x100.");
        }

        return (clients, operations);
    }

    /// <summary>One reconciliation pass of a survivor's change log, repeated until no intent is left (another survivor may hold one's keys while it reconciles it).</summary>
    internal static async Task ReconcileLeftBehindAsync(AzuriteFixture azurite, string container, string connectionString)
    {
        await using var engine = await azurite.ConnectAsync(azurite.Options(container, createContainer: false));
        await using var database = await CloudDatabase.OpenAsync(connectionString);
        using var log = new DatabaseChangeLog(database, engine, new CloudServerOptions { Database = database });
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(guard.Token);
        while (true)
        {
            await log.ReconcileLeftBehindAsync(guard.Token);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM change_intents", connection);
            if ((long)(await count.ExecuteScalarAsync(guard.Token))! == 0)
            {
                return;
            }
        }
    }
}
