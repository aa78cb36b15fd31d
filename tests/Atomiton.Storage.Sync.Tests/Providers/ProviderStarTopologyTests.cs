using System.Text;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Sync.State;

namespace Atomiton.Storage.Sync.Tests.Providers;

/// <summary>
/// The star topology of <see cref="FileSystemCloudPairTests"/> with each provider engine over its
/// emulator as the hub: two devices (memory engines with their own state) sync only with the hub;
/// offline edits, a delete and a two-sided conflict converge; then the hub's key rules: a name it
/// folds into another, or a character it forbids, is reported (Collision) and never merged or lost.
/// A few dozen keys per provider, to keep CI short.
/// </summary>
public sealed class ProviderStarTopologyTests
{
    public static TheoryData<string> Providers => new() { "gdrive", "onedrive", "dropbox", "azureblob" };

    private static async Task WriteAsync(IStorageEngine engine, string key, string content) => await engine.SaveAsync(key, Encoding.UTF8.GetBytes(content));

    private static async Task<SortedDictionary<string, string>> TreeAsync(IStorageEngine engine)
    {
        var tree = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var entry in engine.ListAsync())
        {
            if (entry.IsObject && !entry.Key.StartsWith(".atomiton-sync/", StringComparison.Ordinal))
            {
                tree[entry.Key] = Encoding.UTF8.GetString(await engine.LoadBytesAsync(entry.Key));
            }
        }

        return tree;
    }

    private sealed class Device(string name, IStorageEngine hub) : IAsyncDisposable
    {
        public MemoryEngine Engine { get; } = new();

        public MemorySyncStateStore State { get; } = new();

        public Task<SyncResult> SyncAsync() =>
            new SyncPair(new SyncEndpoint(name, Engine), new SyncEndpoint("hub", hub), State, new SyncOptions { ReplicaNameA = name, ReplicaNameB = "hub" }).RunAsync();

        public async ValueTask DisposeAsync()
        {
            await Engine.DisposeAsync();
            await State.DisposeAsync();
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Two_devices_converge_through_a_provider_hub(string provider)
    {
        await using var hub = await ProviderHub.StartAsync(provider);
        await using var laptop = new Device("laptop", hub.Engine);
        await using var phone = new Device("phone", hub.Engine);
        for (int i = 0; i < 20; i++)
        {
            await WriteAsync(laptop.Engine, $"notes/n{i:00}.txt", $"laptop {i}");
        }

        for (int i = 0; i < 6; i++)
        {
            await WriteAsync(phone.Engine, $"photos/p{i}.jpg", $"phone {i}");
        }

        foreach (var device in new[] { laptop, phone, laptop })
        {
            var result = await device.SyncAsync();
            Assert.True(result.Status == SyncStatus.Completed, $"{provider}: {result.Summary}");
        }

        var first = await TreeAsync(hub.Engine);
        Assert.Equal(26, first.Count);
        Assert.Equal(first, await TreeAsync(laptop.Engine));
        Assert.Equal(first, await TreeAsync(phone.Engine));

        // Offline: edits on both devices, a delete on the phone, and one key changed on both.
        await WriteAsync(laptop.Engine, "notes/n01.txt", "laptop edit");
        await WriteAsync(phone.Engine, "photos/p1.jpg", "phone edit");
        await phone.Engine.DeleteAsync("notes/n02.txt");
        await WriteAsync(laptop.Engine, "notes/n03.txt", "laptop's version");
        await WriteAsync(phone.Engine, "notes/n03.txt", "phone's version");
        foreach (var device in new[] { phone, laptop, phone })
        {
            var result = await device.SyncAsync();
            Assert.True(result.Status == SyncStatus.Completed, $"{provider}: {result.Summary}");
        }

        var tree = await TreeAsync(hub.Engine);
        Assert.Equal(tree, await TreeAsync(laptop.Engine));
        Assert.Equal(tree, await TreeAsync(phone.Engine));
        Assert.Equal("laptop edit", tree["notes/n01.txt"]);
        Assert.Equal("phone edit", tree["photos/p1.jpg"]);
        Assert.DoesNotContain("notes/n02.txt", tree.Keys);
        Assert.Contains("laptop's version", tree.Values);
        Assert.Contains("phone's version", tree.Values);
        Assert.Single(tree.Keys, key => key.StartsWith("notes/n03.conflict-", StringComparison.Ordinal));
        Assert.True((await laptop.SyncAsync()).Plan.IsEmpty);
        Assert.True((await phone.SyncAsync()).Plan.IsEmpty);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Names_the_hub_cannot_keep_apart_are_reported_not_merged(string provider)
    {
        await using var hub = await ProviderHub.StartAsync(provider);
        var rules = hub.Engine.KeyRules;
        char forbidden = rules.ForbiddenCharacters.FirstOrDefault(c => c is not ('/' or '\\') && !char.IsControl(c));
        Skip.If(!rules.CaseInsensitive && forbidden == default, $"{provider} keeps every valid key apart (case-sensitive, no forbidden characters): nothing to report");
        await using var laptop = new Device("laptop", hub.Engine);
        await WriteAsync(laptop.Engine, "docs/plain.txt", "plain");
        if (rules.CaseInsensitive)
        {
            await WriteAsync(laptop.Engine, "docs/Readme.txt", "first spelling");
            await WriteAsync(laptop.Engine, "docs/README.txt", "second spelling");
        }

        if (forbidden != default)
        {
            await WriteAsync(laptop.Engine, $"docs/odd{forbidden}name.txt", "forbidden character");
        }

        var result = await laptop.SyncAsync();

        Assert.Equal(SyncStatus.NeedsAttention, result.Status);
        Assert.Contains(result.Log, entry => entry.Kind == SyncLogKind.Collision);
        var onHub = await TreeAsync(hub.Engine);
        Assert.Equal("plain", onHub["docs/plain.txt"]);
        if (rules.CaseInsensitive)
        {
            // One spelling reached the hub, the other was reported; neither version was overwritten.
            Assert.Single(onHub.Keys, key => key.Equals("docs/readme.txt", StringComparison.OrdinalIgnoreCase));
            Assert.Contains(onHub.Values, value => value is "first spelling" or "second spelling");
        }

        Assert.DoesNotContain(onHub.Values, value => value == "forbidden character");
        // The device keeps every version it had.
        Assert.Equal(1 + (rules.CaseInsensitive ? 2 : 0) + (forbidden == default ? 0 : 1), (await TreeAsync(laptop.Engine)).Count);
    }
}
