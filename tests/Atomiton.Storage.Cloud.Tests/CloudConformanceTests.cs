using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// The whole conformance kit through the <c>cloud</c> plugin against a real server on loopback:
/// each case starts its own server over an empty memory engine and connects with a whole-store
/// key (a tenant prefix would shorten the longest key the kit must store; see docs/cloud-api.md).
/// </summary>
public sealed class CloudConformanceTests : StorageConformanceTests
{
    private readonly List<CloudTestServer> _servers = [];

    // The plugin's chunk size in these tests: small, so the stream cases cross upload-session chunks.
    protected override int ChunkSize => 256 * 1024;

    // The server's memory engine lives in this process.
    protected override bool HoldsContentInMemory => true;

    protected override long LargeObjectSize => 32L * 1024 * 1024;

    // Every key is one HTTP request; keep the constant-memory listing case to a bounded run time.
    protected override int ManyKeysCount => 3_000;

    protected override async ValueTask<IStorageEngine> CreateEngineAsync()
    {
        // A fresh server and engine every time: the kit asks for an empty engine on each call.
        var server = await CloudTestServer.StartAsync();
        _servers.Add(server);
        return await server.ConnectAsync(server.CreateTenantKey(ApiKeyPermissions.Admin, tenant: "").Key);
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            foreach (var server in _servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}
