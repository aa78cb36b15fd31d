using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Plugins.Cloud;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Cloud.Benchmarks;

/// <summary>
/// Starts a loopback server over a memory engine and runs <c>clients</c> concurrent plugin
/// engines, each doing a seeded mix of operations on its own keys (45% save of 1 KiB, 35% load,
/// 10% stat, 5% list, 5% delete) while keeping a model of what it wrote; then checks every key
/// against the model (a write the server acknowledged and lost counts as a lost write).
/// </summary>
public static class CloudLoadRun
{
    public const int KeysPerClient = 64;

    public static async Task<CloudLoadResult> RunAsync(int clients, int operationsPerClient, CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(Path.GetTempPath(), "atomiton-cloud-load", Guid.NewGuid().ToString("N"));
        var options = new CloudServerOptions
        {
            Keys = new ApiKeyStore(Path.Combine(directory, "keys.json")),
            UploadDirectory = Path.Combine(directory, "uploads"),
            RateLimitPermits = null,
        };
        options.Urls.Clear();
        options.Urls.Add("http://127.0.0.1:0");
        await using var engine = new MemoryEngine();
        await using var server = await CloudServer.StartAsync(engine, options, cancellationToken);
        try
        {
            return await RunAsync([server.Endpoint], tenant => Task.FromResult(options.Keys.Create(tenant, ApiKeyPermissions.Read | ApiKeyPermissions.Write).Key), clients, operationsPerClient, cancellationToken);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The same load against a running target (one or more replicas).</summary>
    public static Task<CloudLoadResult> RunAsync(CloudTarget target, int clients, int operationsPerClient, CancellationToken cancellationToken = default) =>
        RunAsync(target.Endpoints, target.CreateKeyAsync, clients, operationsPerClient, cancellationToken, target.StartCostMeter);

    private static async Task<CloudLoadResult> RunAsync(IReadOnlyList<Uri> endpoints, Func<string, Task<string>> createKey, int clients, int operationsPerClient, CancellationToken cancellationToken, Func<CostMeter>? startCostMeter = null)
    {
        var latencies = new ConcurrentDictionary<string, ConcurrentBag<double>>(StringComparer.Ordinal);
        long errors = 0;
        long lostWrites = 0;
        var engines = new List<IStorageEngine>();
        string run = Guid.NewGuid().ToString("N")[..8];
        for (int c = 0; c < clients; c++)
        {
            // Client c's endpoint is replica c mod n; the other replicas are its failover targets.
            var options = new CloudOptions { Endpoint = endpoints[c % endpoints.Count].ToString(), ApiKey = await createKey($"load/{run}/c{c}/") };
            foreach (var other in endpoints.Where((_, i) => i != c % endpoints.Count))
            {
                options.Replicas.Add(other.ToString());
            }

            engines.Add(await new CloudProvider().CreateAsync(options, new StorageProviderContext { PipelineName = "load", StageName = "cloud" }, cancellationToken));
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = engines.Select((client, index) => Task.Run<(IStorageEngine Client, Dictionary<string, byte[]> Model)>(async () =>
        {
            var model = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var random = new Random(1000 + index);
            await start.Task;
            for (int i = 0; i < operationsPerClient; i++)
            {
                var key = $"k{random.Next(KeysPerClient):D2}";
                var name = NextOperation(random);
                var watch = Stopwatch.StartNew();
                try
                {
                    await RunOperationAsync(client, name, key, model, random, cancellationToken);
                }
                catch (StorageException)
                {
                    Interlocked.Increment(ref errors);
                }

                latencies.GetOrAdd(name, _ => []).Add(watch.Elapsed.TotalMilliseconds);
            }

            return (client, model);
        }, cancellationToken)).ToArray();
        using var meter = startCostMeter?.Invoke();
        var clock = Stopwatch.StartNew();
        start.SetResult();
        var finished = await Task.WhenAll(tasks);
        clock.Stop();
        var cost = meter?.Stop((long)clients * operationsPerClient);

        // Checked after the clock: the check is not part of the load.
        foreach (var (client, model) in finished)
        {
            lostWrites += await CountLostWritesAsync(client, model, cancellationToken);
        }

        foreach (var client in engines)
        {
            await client.DisposeAsync();
        }

        return new CloudLoadResult(clients, operationsPerClient, clock.Elapsed, errors, lostWrites,
            latencies.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal)) { Cost = cost };
    }

    /// <summary>The mix: 45% save of 1 KiB, 35% load, 10% stat, 5% list, 5% delete.</summary>
    public static string NextOperation(Random random)
    {
        int roll = random.Next(100);
        return roll < 45 ? "save" : roll < 80 ? "load" : roll < 90 ? "stat" : roll < 95 ? "list" : "delete";
    }

    private static async Task RunOperationAsync(IStorageEngine client, string operation, string key, Dictionary<string, byte[]> model, Random random, CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case "save":
                var content = new byte[1024];
                random.NextBytes(content);
                await client.SaveAsync(key, content, null, cancellationToken);
                model[key] = content;
                break;
            case "load":
                if (model.TryGetValue(key, out var expected))
                {
                    var actual = await client.LoadBytesAsync(key, null, cancellationToken);
                    if (!actual.AsSpan().SequenceEqual(expected))
                    {
                        throw new StorageException(StorageErrorCode.Integrity, $"Load of '{key}' returned other bytes than the last save.");
                    }
                }
                else if (await client.ExistsAsync(key, cancellationToken))
                {
                    throw new StorageException(StorageErrorCode.Integrity, $"'{key}' exists though it was deleted or never saved.");
                }

                break;
            case "stat":
                if (model.TryGetValue(key, out var saved) && (await client.StatAsync(key, cancellationToken)).Size != saved.Length)
                {
                    throw new StorageException(StorageErrorCode.Integrity, $"Stat of '{key}' has the wrong size.");
                }

                break;
            case "list":
                int count = 0;
                await foreach (var _ in client.ListAsync(new ListOptions { PageSize = 100 }, cancellationToken))
                {
                    count++;
                }

                if (count != model.Count)
                {
                    throw new StorageException(StorageErrorCode.Integrity, $"Listing found {count} keys; {model.Count} were expected.");
                }

                break;
            default:
                await client.DeleteAsync(key, null, cancellationToken);
                model.Remove(key);
                break;
        }
    }

    private static async Task<long> CountLostWritesAsync(IStorageEngine client, Dictionary<string, byte[]> model, CancellationToken cancellationToken)
    {
        long lost = 0;
        foreach (var (key, content) in model)
        {
            try
            {
                var stored = await client.LoadBytesAsync(key, null, cancellationToken);
                if (!SHA256.HashData(stored).AsSpan().SequenceEqual(SHA256.HashData(content)))
                {
                    lost++;
                }
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
            {
                lost++;
            }
        }

        return lost;
    }
}
