using System.Text;
using Atomiton.Storage.Cloud.Server;
using Atomiton.Storage.Cloud.Server.Auth;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Plugins.Cloud;
using Atomiton.Storage.Plugins.FileSystem;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>
/// Real pairs: two devices' filesystem folders, each synced with one Atomiton Cloud hub served in
/// process on 127.0.0.1 and reached through the cloud plugin over HTTP (a star topology), with
/// SQLite state per device.
/// </summary>
public sealed class FileSystemCloudPairTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "atomiton-sync-star", Guid.NewGuid().ToString("N"));
    private RunningCloudServer _server = null!;
    private string _apiKey = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var options = new CloudServerOptions
        {
            Keys = new ApiKeyStore(Path.Combine(_folder, "keys.json")),
            UploadDirectory = Path.Combine(_folder, "uploads"),
            RateLimitPermits = null,
        };
        options.Urls.Clear();
        options.Urls.Add("http://127.0.0.1:0");
        _apiKey = options.Keys.Create("hub/", ApiKeyPermissions.Read | ApiKeyPermissions.Write, "sync tests").Key;
        _server = await CloudServer.StartAsync(new MemoryEngine(), options);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<IStorageEngine> HubAsync() =>
        await new CloudProvider().CreateAsync(
            new CloudOptions { Endpoint = _server.Endpoint.ToString(), ApiKey = _apiKey, RetryDelay = TimeSpan.FromMilliseconds(50) },
            new StorageProviderContext { PipelineName = "hub", StageName = "cloud" });

    private async Task<SyncResult> SyncAsync(string device, IStorageEngine local, IStorageEngine hub)
    {
        await using var state = await SqliteSyncStateStore.OpenAsync(Path.Combine(_folder, device + ".db"));
        var pair = new SyncPair(new SyncEndpoint(device, local) { Identity = "filesystem:" + device }, new SyncEndpoint("hub", hub), state,
            new SyncOptions { ReplicaNameA = device, ReplicaNameB = "hub" });
        return await pair.RunAsync();
    }

    private static async Task WriteAsync(IStorageEngine engine, string key, string content) => await engine.SaveAsync(key, Encoding.UTF8.GetBytes(content));

    private static async Task<string?> ReadAsync(IStorageEngine engine, string key)
    {
        try
        {
            return Encoding.UTF8.GetString(await engine.LoadBytesAsync(key));
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
        {
            return null;
        }
    }

    [Fact]
    public async Task Two_devices_converge_through_one_hub_with_edits_deletes_and_a_conflict()
    {
        await using var laptop = new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(_folder, "laptop") });
        await using var phone = new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(_folder, "phone") });
        await using var hub = await HubAsync();
        await WriteAsync(laptop, "notes/a.txt", "from laptop");
        await WriteAsync(laptop, "notes/keep.txt", "keep");
        await WriteAsync(phone, "photos/p.jpg", "from phone");

        Assert.Equal(SyncStatus.Completed, (await SyncAsync("laptop", laptop, hub)).Status);
        Assert.Equal(SyncStatus.Completed, (await SyncAsync("phone", phone, hub)).Status);
        Assert.Equal(SyncStatus.Completed, (await SyncAsync("laptop", laptop, hub)).Status);
        Assert.Equal("from phone", await ReadAsync(laptop, "photos/p.jpg"));
        Assert.Equal("from laptop", await ReadAsync(phone, "notes/a.txt"));

        // Offline edits on both devices: the same key changed differently, and a delete.
        await WriteAsync(laptop, "notes/a.txt", "laptop edit");
        await WriteAsync(phone, "notes/a.txt", "phone edit");
        await phone.DeleteAsync("photos/p.jpg");
        Assert.Equal(SyncStatus.Completed, (await SyncAsync("phone", phone, hub)).Status);
        Assert.Equal(SyncStatus.Completed, (await SyncAsync("laptop", laptop, hub)).Status);
        Assert.Equal(SyncStatus.Completed, (await SyncAsync("phone", phone, hub)).Status);

        var laptopTree = await TreeAsync(laptop);
        Assert.Equal(laptopTree, await TreeAsync(phone));
        Assert.Equal(laptopTree, await TreeAsync(hub));
        Assert.DoesNotContain("photos/p.jpg", laptopTree.Keys);
        Assert.Contains("laptop edit", laptopTree.Values);
        Assert.Contains("phone edit", laptopTree.Values);
        Assert.Contains(laptopTree.Keys, key => key.StartsWith("notes/a.conflict-", StringComparison.Ordinal));

        var rerun = await SyncAsync("laptop", laptop, hub);
        Assert.True(rerun.Plan.IsEmpty);
    }

    private static async Task<SortedDictionary<string, string>> TreeAsync(IStorageEngine engine)
    {
        var tree = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var entry in engine.ListAsync())
        {
            if (entry.IsObject && !entry.Key.StartsWith(".atomiton-sync/", StringComparison.Ordinal))
            {
                tree[entry.Key] = (await ReadAsync(engine, entry.Key))!;
            }
        }

        return tree;
    }
}
