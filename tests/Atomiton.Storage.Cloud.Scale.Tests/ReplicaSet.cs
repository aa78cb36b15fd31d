using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Cloud.Server.Database;
using Atomiton.Storage.Plugins.AzureBlob;
using Atomiton.Storage.Plugins.AzureBlob.Tests;
using Atomiton.Storage.Plugins.Cloud;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Cloud.Scale.Tests;

/// <summary>
/// Several Atomiton Cloud servers (in this process, each on its own loopback port) on one PostgreSQL
/// database and one Azurite blob container: each replica opens its own database pool and its own
/// azureblob engine, as separate machines would, so they share nothing but the two services.
/// </summary>
public sealed class ReplicaSet : IAsyncDisposable
{
    private readonly List<Replica> _replicas = [];

    private ReplicaSet(string connectionString, string container, CloudDatabase admin)
    {
        ConnectionString = connectionString;
        Container = container;
        Admin = admin;
    }

    public string ConnectionString { get; }

    public string Container { get; }

    /// <summary>A database handle of the operator's own (for keys).</summary>
    public CloudDatabase Admin { get; }

    public IReadOnlyList<Replica> Replicas => _replicas;

    public IReadOnlyList<Uri> Endpoints => [.. _replicas.Select(r => r.Server.Endpoint)];

    public static async Task<ReplicaSet> StartAsync(PostgresFixture postgres, AzuriteFixture azurite, int count, Action<CloudServerOptions>? configure = null)
    {
        Skip.If(postgres.Unavailable is not null, postgres.Unavailable);
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        var connectionString = await postgres.CreateDatabaseAsync();
        var set = new ReplicaSet(connectionString, AzuriteFixture.NewContainer("r"), await CloudDatabase.OpenAsync(connectionString));
        try
        {
            for (int i = 0; i < count; i++)
            {
                var database = await CloudDatabase.OpenAsync(connectionString);
                var engine = await azurite.ConnectAsync(azurite.Options(set.Container, createContainer: i == 0));
                var options = new CloudServerOptions { Database = database, RateLimitPermits = null };
                options.Urls.Clear();
                options.Urls.Add("http://127.0.0.1:0");
                configure?.Invoke(options);
                var server = await CloudServer.StartAsync(engine, options);
                set._replicas.Add(new Replica(server, engine, database));
            }
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }

        return set;
    }

    public Task<CreatedApiKey> CreateKeyAsync(string tenant, ApiKeyPermissions permissions = ApiKeyPermissions.Read | ApiKeyPermissions.Write) =>
        Admin.CreateKeyAsync(tenant, permissions, "tests");

    /// <summary>The <c>cloud</c> plugin connected to one replica.</summary>
    public async Task<IStorageEngine> ConnectAsync(int replica, string apiKey, Action<CloudOptions>? configure = null)
    {
        var options = new CloudOptions { Endpoint = _replicas[replica].Server.Endpoint.ToString(), ApiKey = apiKey, ChunkSize = 64 * 1024, RetryDelay = TimeSpan.FromMilliseconds(50) };
        configure?.Invoke(options);
        return await new CloudProvider().CreateAsync(options, new StorageProviderContext { PipelineName = "tests", StageName = "cloud" });
    }

    public HttpClient RawClient(int replica, string? apiKey)
    {
        var client = new HttpClient { BaseAddress = _replicas[replica].Server.Endpoint };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + apiKey);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await Admin.DisposeAsync();
    }

    public sealed record Replica(RunningCloudServer Server, AzureBlobEngine Engine, CloudDatabase Database) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Engine.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}
