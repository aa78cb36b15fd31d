using System.Collections.Concurrent;
using Atomiton.Storage.Plugins.AzureBlob.Tests;
using Xunit.Abstractions;

namespace Atomiton.Storage.Cloud.Scale.Tests;

/// <summary>
/// Mixed load on three replicas through the <c>cloud</c> plugin with all three endpoints (spread and
/// failover), with create-only races on shared keys, one replica stopped abruptly half-way: exactly
/// one acknowledged winner per race, no error other than the races' conflicts, every acknowledged
/// write readable afterwards, and in the change feed. CI runs 12 clients × 60 operations (seeded);
/// <c>ATOMITON_CLOUD_LOAD=full</c> runs the 64 clients × 2,000.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class LoadTests(PostgresFixture postgres, AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Seed = 22;

    [SkippableFact]
    public async Task Mixed_load_with_races_survives_losing_a_replica_without_losing_an_acknowledged_write()
    {
        bool full = Environment.GetEnvironmentVariable("ATOMITON_CLOUD_LOAD") == "full";
        int clients = full ? 64 : 12;
        int operations = full ? 2000 : 60;
        const int RaceKeys = 40;
        await using var set = await ReplicaSet.StartAsync(postgres, azurite, 3);
        var key = await set.CreateKeyAsync("load/");
        var endpoints = set.Endpoints;
        var engines = await Task.WhenAll(Enumerable.Range(0, clients).Select(c => set.ConnectAsync(c % 3, key.Key, options =>
        {
            foreach (var other in endpoints.Where((_, i) => i != c % 3))
            {
                options.Replicas.Add(other.ToString());
            }

            options.RetryDelay = TimeSpan.FromMilliseconds(100);
        })));
        var cursor = await engines[0].GetChangeCursorAsync();

        var acknowledged = new ConcurrentDictionary<string, (byte[] Content, string Etag)?>();
        var raceWins = new ConcurrentDictionary<string, int>();
        var raceLosses = new ConcurrentDictionary<string, int>();
        var errors = new ConcurrentQueue<string>();
        int done = 0;
        int killAt = clients * operations / 2;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task RunClientAsync(int client)
        {
            var random = new Random(Seed + client);
            var engine = engines[client];
            for (int op = 0; op < operations; op++)
            {
                if (Interlocked.Increment(ref done) == killAt)
                {
                    _ = Task.Run(async () =>
                    {
                        using var now = new CancellationTokenSource();
                        await now.CancelAsync();
                        await set.Replicas[0].Server.StopAsync(now.Token);
                        killed.TrySetResult();
                    });
                }

                string own = $"c{client}/k{random.Next(8)}";
                int dice = random.Next(100);
                try
                {
                    if (dice < 45)
                    {
                        var content = BitConverter.GetBytes(((long)client << 32) | (uint)op);
                        var item = await engine.SaveAsync(own, content);
                        acknowledged[own] = (content, item.ETag);
                    }
                    else if (dice < 65)
                    {
                        if (acknowledged.TryGetValue(own, out var expected))
                        {
                            if (expected is { } written)
                            {
                                Assert.Equal(written.Content, await engine.LoadBytesAsync(own));
                            }
                            else
                            {
                                await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync(own));
                            }
                        }
                    }
                    else if (dice < 80)
                    {
                        var race = $"race/r{random.Next(RaceKeys)}";
                        try
                        {
                            await engine.SaveAsync(race, BitConverter.GetBytes(client), new SaveOptions { Condition = WriteCondition.IfNotExists });
                            raceWins.AddOrUpdate(race, client, (_, previous) => { errors.Enqueue($"{race} won by {previous} and {client}"); return previous; });
                        }
                        catch (StorageException e) when (e.Code == StorageErrorCode.Conflict)
                        {
                            raceLosses.AddOrUpdate(race, 1, (_, n) => n + 1);
                        }
                    }
                    else if (dice < 90)
                    {
                        await engine.DeleteAsync(own);
                        acknowledged[own] = null;
                    }
                    else
                    {
                        await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = $"c{client}/" }))
                        {
                            Assert.StartsWith($"c{client}/", entry.Key, StringComparison.Ordinal);
                        }
                    }
                }
                catch (StorageException e)
                {
                    errors.Enqueue($"client {client} op {op} ({dice}) on {own}: {e.Code} {e.Message}");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => RunClientAsync(c))));
        await killed.Task;
        Assert.True(errors.IsEmpty, string.Join("\n", errors.Take(20)));

        // Every acknowledged write is readable afterwards, through any surviving replica.
        var reader = engines[1];
        foreach (var (own, expected) in acknowledged)
        {
            if (expected is { } written)
            {
                Assert.Equal(written.Content, await reader.LoadBytesAsync(own));
            }
            else
            {
                var gone = await Assert.ThrowsAsync<StorageException>(async () => await reader.LoadBytesAsync(own));
                Assert.Equal(StorageErrorCode.NotFound, gone.Code);
            }
        }

        // One acknowledged winner per race, and the stored bytes are its own.
        foreach (var (race, winner) in raceWins)
        {
            Assert.Equal(BitConverter.GetBytes(winner), await reader.LoadBytesAsync(race));
        }

        // The feed from before the run lists the final state of every key last (and no key it should not).
        var last = new Dictionary<string, StorageChange>(StringComparer.Ordinal);
        int changes = 0;
        for (bool more = true; more;)
        {
            var page = await reader.ReadChangesAsync(cursor);
            foreach (var change in page.Changes)
            {
                last[change.Key] = change;
                changes++;
            }

            cursor = page.Cursor;
            more = page.HasMore;
        }

        foreach (var (own, expected) in acknowledged)
        {
            if (!last.TryGetValue(own, out var change))
            {
                // Only a key never written (its deletes found nothing) is absent.
                Assert.Null(expected);
                continue;
            }

            Assert.Equal(expected is null ? StorageChangeKind.Deleted : StorageChangeKind.Upserted, change.Kind);
            if (expected is { } written)
            {
                Assert.Equal(written.Etag, change.Item!.ETag);
            }
        }

        output.WriteLine($"{clients} clients × {operations} operations; {acknowledged.Count} own keys, {raceWins.Count} races won ({raceLosses.Values.Sum()} conflicts), {changes} changes in the feed; replica 0 stopped after {killAt} operations.");
        foreach (var engine in engines)
        {
            await engine.DisposeAsync();
        }
    }
}
