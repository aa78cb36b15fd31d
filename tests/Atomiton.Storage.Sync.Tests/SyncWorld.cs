using System.Text;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Sync.State;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>
/// Two memory engines, each behind the mock engine (scripted 429/503 faults) and a <see cref="SimEngine"/>
/// (hooks, trace, precondition checks, feed faults), a fake clock and a memory state store.
/// User writes go straight to the memory engines, as another app on the same device would.
/// </summary>
internal sealed class SyncWorld : IAsyncDisposable
{
    public SyncWorld(SyncOptions? options = null, MemoryOptions? memory = null)
    {
        MemoryA = new MemoryEngine(memory, Clock);
        MemoryB = new MemoryEngine(memory, Clock);
        MockA = new MockEngine(MemoryA, new MockOptions(), Clock, ownsInner: false);
        MockB = new MockEngine(MemoryB, new MockOptions(), Clock, ownsInner: false);
        A = new SimEngine(MockA, "A");
        B = new SimEngine(MockB, "B");
        Options = (options ?? new SyncOptions()) with { TimeProvider = Clock, ReplicaNameA = "laptop", ReplicaNameB = "cloud" };
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 15, 30, 0, TimeSpan.Zero));

    public MemoryEngine MemoryA { get; }

    public MemoryEngine MemoryB { get; }

    public MockEngine MockA { get; }

    public MockEngine MockB { get; }

    public SimEngine A { get; }

    public SimEngine B { get; }

    public SyncOptions Options { get; set; }

    /// <summary>The state store (a memory store unless a test replaces <see cref="CrashableStateStore.Inner"/>).</summary>
    public CrashableStateStore Store { get; } = new(new MemorySyncStateStore());

    /// <summary>The simulated process dies: nothing it still holds reaches the state store.</summary>
    public SimulatedCrash Crash(string message)
    {
        Store.Crashed = true;
        return new SimulatedCrash(message);
    }

    /// <summary>A new process starts over the committed state.</summary>
    public void Restart() => Store.Crashed = false;

    public SyncPair Pair() => new(new SyncEndpoint("laptop", A), new SyncEndpoint("cloud", B), Store, Options);

    public MemoryEngine Memory(SyncSide side) => side == SyncSide.A ? MemoryA : MemoryB;

    public async Task WriteAsync(SyncSide side, string key, string content)
    {
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Memory(side).SaveAsync(key, Encoding.UTF8.GetBytes(content));
    }

    public async Task DeleteAsync(SyncSide side, string key)
    {
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Memory(side).DeleteAsync(key);
    }

    public async Task<string?> ReadAsync(SyncSide side, string key)
    {
        try
        {
            return Encoding.UTF8.GetString(await Memory(side).LoadBytesAsync(key));
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Every synced key and its content (the reserved trash is left out).</summary>
    public async Task<SortedDictionary<string, string>> SnapshotAsync(SyncSide side, bool trash = false)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var entry in Memory(side).ListAsync())
        {
            if (entry.Key.StartsWith(".atomiton-sync/", StringComparison.Ordinal) == trash)
            {
                result[entry.Key] = Encoding.UTF8.GetString(await Memory(side).LoadBytesAsync(entry.Key));
            }
        }

        return result;
    }

    public static string Render(SortedDictionary<string, string> tree) => string.Join(", ", tree.Select(pair => $"{pair.Key}={pair.Value}"));

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await MockA.DisposeAsync();
        await MockB.DisposeAsync();
        await MemoryA.DisposeAsync();
        await MemoryB.DisposeAsync();
        await Store.DisposeAsync();
    }
}
