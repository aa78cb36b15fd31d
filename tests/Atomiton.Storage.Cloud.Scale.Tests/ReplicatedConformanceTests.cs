using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Plugins.AzureBlob.Tests;
using Atomiton.Storage.Plugins.Cloud;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Cloud.Scale.Tests;

#if CLOUD_SCALE_KIT
using Atomiton.Storage.Testing;

/// <summary>
/// The whole conformance kit through one <c>cloud</c> client configured with three replicas (its
/// endpoint and two more in <c>replicas</c>), which spreads the case's requests over all three. The
/// replicas share one PostgreSQL database and one Azurite container, as a replicated deployment does
/// (<c>docs/cloud-deploy.md</c>). Each case gets a fresh tenant (an empty prefix of the shared
/// container) with a 1 GiB byte quota in the database, so the quota cases run against the shared
/// budget. Cases that do not apply are skipped by the kit with their reason.
/// </summary>
[Collection(PostgresCollectionDefinition.Name)]
public sealed class ReplicatedConformanceTests(PostgresFixture postgres, AzuriteFixture azurite, ReplicatedKitReplicas replicas)
    : StorageConformanceTests, IClassFixture<ReplicatedKitReplicas>
{
    /// <summary>The byte quota of every case's tenant: large enough for the large-object and many-keys cases.</summary>
    public const long TenantQuotaBytes = 1L << 30;

    // Small chunks, so the stream cases cross upload sessions, whose chunks go to different replicas.
    protected override int ChunkSize => 256 * 1024;

    // Every block is a request to a Node.js emulator behind a server on a shared 2-core machine.
    protected override long LargeObjectSize => 16L * 1024 * 1024;

    protected override int ManyKeysCount => 1_000;

    protected override int ModelCheckRuns => 20;

    // The served engine is azureblob on Azurite, which sets Created anew on every overwrite and copy.
    protected override bool KeepsCreatedAcrossOverwrites => false;

    // The three servers and their azureblob engines run in this process: a save's allocations include
    // theirs (request bodies, blocks), so only the load side can be bounded (measured: 37 MB for 16 MiB).
    protected override bool HoldsContentInMemory => true;

    protected override async ValueTask<IStorageEngine> CreateEngineAsync()
    {
        var set = await replicas.GetAsync(postgres, azurite);
        string tenant = $"kit-{Guid.NewGuid():N}/";
        var key = await set.CreateKeyAsync(tenant, ApiKeyPermissions.Read | ApiKeyPermissions.Write | ApiKeyPermissions.Admin);
        await set.Admin.SetQuotaAsync(tenant, TenantQuotaBytes, maxItems: null);
        var endpoints = set.Endpoints;
        var options = new CloudOptions
        {
            Endpoint = endpoints[0].ToString(),
            Replicas = [.. endpoints.Skip(1).Select(e => e.ToString())],
            ApiKey = key.Key,
            ChunkSize = ChunkSize,
            RetryDelay = TimeSpan.FromMilliseconds(50),
        };
        return await new CloudProvider().CreateAsync(options, new StorageProviderContext { PipelineName = "tests", StageName = "cloud" });
    }
}
#endif

/// <summary>Three replicas shared by the replicated kit's cases (started by the first case, stopped after the last).</summary>
public sealed class ReplicatedKitReplicas : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ReplicaSet? _set;

    public async Task<ReplicaSet> GetAsync(PostgresFixture postgres, AzuriteFixture azurite)
    {
        Assert.True(postgres.Unavailable is null, postgres.Unavailable);
        Assert.True(azurite.Unavailable is null, azurite.Unavailable);
        await _gate.WaitAsync();
        try
        {
            return _set ??= await ReplicaSet.StartAsync(postgres, azurite, 3);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_set is not null)
        {
            await _set.DisposeAsync();
        }

        _gate.Dispose();
    }
}

/// <summary>Reports why the replicated kit was not compiled, where it was not.</summary>
public sealed class ReplicatedKitAvailabilityTests
{
    [SkippableFact]
    public void The_replicated_conformance_kit_runs_where_Azurite_and_PostgreSQL_are_installed()
    {
#if CLOUD_SCALE_KIT
        Assert.NotNull(PostgresFixture.FindBinaries());
#else
        Skip.If(true, "The conformance kit over three replicas was not compiled: it needs Azurite ('azurite-blob', .ci/setup.d/40-azurite.sh) and PostgreSQL "
            + $"({PostgresFixture.InstallCommand}) at build time (or it was left out with -p:AtomitonReplicatedKit=false). Install both and build again.");
#endif
    }
}
