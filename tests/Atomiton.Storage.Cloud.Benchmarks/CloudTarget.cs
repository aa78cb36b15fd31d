using Atomiton.Storage.Cloud.Scale.Tests;
using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Cloud.Server.Database;
using Atomiton.Storage.Plugins.AzureBlob;
using Atomiton.Storage.Plugins.AzureBlob.Tests;
using Atomiton.Storage.Plugins.FileSystem;

namespace Atomiton.Storage.Cloud.Benchmarks;

/// <summary>
/// A running Atomiton Cloud the load runs against: its replicas' endpoints and a way to make an API key
/// for a tenant. Each client gets one replica as its endpoint (in turn) and the others as failover targets.
/// </summary>
public sealed class CloudTarget : IAsyncDisposable
{
    private readonly Func<ValueTask> _dispose;

    private CloudTarget(string name, IReadOnlyList<Uri> endpoints, Func<string, Task<string>> createKey, Func<ValueTask> dispose, Func<CostMeter> startCostMeter)
    {
        Name = name;
        StartCostMeter = startCostMeter;
        Endpoints = endpoints;
        CreateKeyAsync = createKey;
        _dispose = dispose;
    }

    public string Name { get; }

    public IReadOnlyList<Uri> Endpoints { get; }

    /// <summary>Makes a read-write key for a tenant prefix and returns it.</summary>
    public Func<string, Task<string>> CreateKeyAsync { get; }

    /// <summary>Starts counting what the target's services spend (database operations, blob requests, CPU).</summary>
    public Func<CostMeter> StartCostMeter { get; }

    /// <summary>
    /// One server as <c>serve</c> runs without a database (today's default): the served pipeline on the
    /// filesystem, the API keys in their file and the change log in its folder beside it.
    /// </summary>
    public static async Task<CloudTarget> FilesAsync(CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "atomiton-cloud-bench", Guid.NewGuid().ToString("N"));
        var options = new CloudServerOptions
        {
            Keys = new ApiKeyStore(Path.Combine(directory, "keys.json")),
            UploadDirectory = Path.Combine(directory, "uploads"),
            RateLimitPermits = null,
        };
        options.Urls.Clear();
        options.Urls.Add("http://127.0.0.1:0");
        var engine = new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(directory, "objects") });
        var server = await CloudServer.StartAsync(engine, options, cancellationToken);
        return new CloudTarget("1 replica, files (keys file, change log folder, filesystem objects)", [server.Endpoint],
            tenant => Task.FromResult(options.Keys.Create(tenant, ApiKeyPermissions.Read | ApiKeyPermissions.Write).Key),
            async () =>
            {
                await server.DisposeAsync();
                await engine.DisposeAsync();
                Directory.Delete(directory, recursive: true);
            },
            () => CostMeter.Start(null, null));
    }

    /// <summary>
    /// <paramref name="count"/> replicas (each its own database pool and azureblob engine, as separate
    /// machines would have) on one PostgreSQL database and one Azurite container.
    /// </summary>
    public static async Task<CloudTarget> ReplicatedAsync(PostgresFixture postgres, AzuriteFixture azurite, int count, CancellationToken cancellationToken)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var container = AzuriteFixture.NewContainer("bench");
        var admin = await CloudDatabase.OpenAsync(connectionString, cancellationToken: cancellationToken);
        var replicas = new List<(RunningCloudServer Server, AzureBlobEngine Engine, CloudDatabase Database)>();
        for (int i = 0; i < count; i++)
        {
            var database = await CloudDatabase.OpenAsync(connectionString, cancellationToken: cancellationToken);
            var engine = await azurite.ConnectAsync(azurite.Options(container, createContainer: i == 0));
            var options = new CloudServerOptions { Database = database, RateLimitPermits = null };
            options.Urls.Clear();
            options.Urls.Add("http://127.0.0.1:0");
            replicas.Add((await CloudServer.StartAsync(engine, options, cancellationToken), engine, database));
        }

        return new CloudTarget($"{count} replica{(count == 1 ? "" : "s")}, PostgreSQL + Azurite", [.. replicas.Select(r => r.Server.Endpoint)],
            async tenant => (await admin.CreateKeyAsync(tenant, ApiKeyPermissions.Read | ApiKeyPermissions.Write, "benchmark", cancellationToken)).Key,
            async () =>
            {
                foreach (var (server, engine, database) in replicas)
                {
                    await server.DisposeAsync();
                    await engine.DisposeAsync();
                    await database.DisposeAsync();
                }

                await admin.DisposeAsync();
            },
            () => CostMeter.Start(postgres.Port, azurite.Port));
    }

    public ValueTask DisposeAsync() => _dispose();
}
