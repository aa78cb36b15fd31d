using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// The whole conformance kit through the <c>cloud</c> plugin against a real server on loopback:
/// each case starts its own server over an empty memory engine and connects with a whole-store key.
/// </summary>
public sealed class CloudConformanceTests : CloudConformanceTestsBase
{
    protected override string TenantPrefix => "";
}

/// <summary>
/// The whole conformance kit through the <c>cloud</c> plugin with an API key scoped to a tenant
/// prefix, as tenants use it: the prefix shortens the longest key, which the plugin declares in its
/// key rules (beyond them a key is UnrepresentableKey) instead of the kit being configured around it.
/// </summary>
public sealed class CloudTenantConformanceTests : CloudConformanceTestsBase
{
    protected override string TenantPrefix => "tenants/kit-tenant/";
}

/// <summary>The kit over loopback, with a server per case; derived classes choose the API key's tenant prefix.</summary>
public abstract class CloudConformanceTestsBase : StorageConformanceTests
{
    private readonly List<CloudTestServer> _servers = [];

    /// <summary>The tenant prefix of the API key the plugin connects with ("" for the whole store).</summary>
    protected abstract string TenantPrefix { get; }

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
        return await server.ConnectAsync(server.CreateTenantKey(ApiKeyPermissions.Admin, tenant: TenantPrefix).Key);
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
