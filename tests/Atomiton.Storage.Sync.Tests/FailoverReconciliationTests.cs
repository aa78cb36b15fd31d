using System.Text;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Resilience;
using Atomiton.Storage.Resilience.Failover;
using Atomiton.Storage.Sync.Planning;
using Atomiton.Storage.Sync.State;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Sync.Tests;

/// <summary>
/// The real failover stage end to end: the primary fails, the stage serves writes from the
/// secondary, the primary returns, and <see cref="FailoverReconciliation"/> reconciles the diverged
/// keys through the sync engine — nothing lost, edits beat deletes, conflicts kept as copies.
/// </summary>
public sealed class FailoverReconciliationTests : IAsyncLifetime
{
    private const string Secondary = "backup";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 15, 30, 0, TimeSpan.Zero));
    private MemoryEngine _primaryStore = null!;
    private MemoryEngine _secondaryStore = null!;
    private MockEngine _primary = null!;
    private FailoverEngine _failover = null!;
    private readonly MemorySyncStateStore _state = new();

    public Task InitializeAsync()
    {
        _primaryStore = new MemoryEngine(null, _clock);
        _secondaryStore = new MemoryEngine(null, _clock);
        _primary = new MockEngine(_primaryStore, new MockOptions(), _clock, ownsInner: false);
        _failover = new FailoverEngine(_primary, [new(Secondary, _secondaryStore)],
            new FailoverOptions { RecoveryProbeInterval = TimeSpan.FromSeconds(5) }, _clock, primaryName: "main");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _failover.DisposeAsync();
        await _primaryStore.DisposeAsync();
        await _state.DisposeAsync();
    }

    private async Task WriteAsync(string key, string content)
    {
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _failover.SaveAsync(key, Encoding.UTF8.GetBytes(content));
    }

    private async Task DeleteAsync(string key)
    {
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _failover.DeleteAsync(key);
    }

    /// <summary>The primary fails every call from now on; the next write through the stage fails over.</summary>
    private IDisposable PrimaryFails() => _primary.Faults.FailAll(StorageErrorCode.NetworkError);

    private async Task PrimaryReturnsAsync(IDisposable outage)
    {
        Assert.Equal(Secondary, _failover.ActiveMember);
        outage.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(5));
        await _failover.ExistsAsync("probe/outage-ends");
        Assert.Equal("main", _failover.ActiveMember);
    }

    private static async Task<SortedDictionary<string, string>> TreeAsync(MemoryEngine engine, bool trash = false)
    {
        var tree = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var entry in engine.ListAsync())
        {
            if (entry.IsObject && entry.Key.StartsWith(".atomiton-sync/", StringComparison.Ordinal) == trash)
            {
                tree[entry.Key] = Encoding.UTF8.GetString(await engine.LoadBytesAsync(entry.Key));
            }
        }

        return tree;
    }

    private Task<SyncResult> ReconcileAsync() => FailoverReconciliation.ReconcileAsync(_failover, Secondary, _state);

    [Fact]
    public async Task A_standby_kept_in_sync_reconciles_three_way_after_an_outage()
    {
        foreach (string key in new[] { "docs/edited", "docs/deleted", "docs/both", "docs/revived", "docs/untouched" })
        {
            await WriteAsync(key, key + " v1");
        }

        // The standby is a replica of the primary: the same members, names and state the reconciliation uses.
        var pair = new SyncPair(new SyncEndpoint("main", _failover.GetMemberEngine("main")), new SyncEndpoint(Secondary, _failover.GetMemberEngine(Secondary)), _state);
        Assert.Equal(SyncStatus.Completed, (await pair.RunAsync()).Status);

        var outage = PrimaryFails();
        await WriteAsync("docs/edited", "edited during the outage");
        await DeleteAsync("docs/deleted");
        await WriteAsync("docs/both", "secondary's version");
        await DeleteAsync("docs/revived");
        await WriteAsync("docs/created", "created during the outage");
        Assert.Equal(["docs/both", "docs/created", "docs/deleted", "docs/edited", "docs/revived"], _failover.DivergedKeys);
        Assert.Equal("docs/edited v1", Encoding.UTF8.GetString(await _primaryStore.LoadBytesAsync("docs/edited")));

        await PrimaryReturnsAsync(outage);
        // After fail-back the app writes to the primary again, before anything was reconciled.
        await WriteAsync("docs/both", "primary's version");
        await WriteAsync("docs/revived", "edited on the primary after the outage");

        var result = await ReconcileAsync();

        Assert.True(result.Status == SyncStatus.Completed, result.Summary);
        var primary = await TreeAsync(_primaryStore);
        Assert.Equal(primary, await TreeAsync(_secondaryStore));
        Assert.Equal("edited during the outage", primary["docs/edited"]);
        Assert.Equal("created during the outage", primary["docs/created"]);
        Assert.DoesNotContain("docs/deleted", primary.Keys);
        Assert.Equal("edited on the primary after the outage", primary["docs/revived"]);
        Assert.Equal("docs/untouched v1", primary["docs/untouched"]);
        // Both versions of the key written on both members: the later keeps the key, the other is a conflict copy.
        Assert.Equal("primary's version", primary["docs/both"]);
        var copy = Assert.Single(primary, pair => pair.Key.StartsWith("docs/both.conflict-", StringComparison.Ordinal));
        Assert.Equal("secondary's version", copy.Value);
        Assert.EndsWith("-backup", copy.Key, StringComparison.Ordinal);
        // The propagated delete kept the primary's version in its trash.
        Assert.Contains("docs/deleted v1", (await TreeAsync(_primaryStore, trash: true)).Values);

        Assert.Empty(_failover.DivergedKeys);
        Assert.Equal(0, _failover.DivergedWriteCount);
        Assert.Equal(StorageHealthDetails.Healthy, (await _failover.GetInfoAsync()).Details[StorageHealthDetails.Status]);
        Assert.True((await pair.PlanAsync()).IsEmpty);
    }

    [Fact]
    public async Task A_standby_never_synced_before_is_merged_without_losing_a_version_or_propagating_a_delete()
    {
        await WriteAsync("flows/a.json", "a v1");
        await WriteAsync("flows/b.json", "b v1");

        var outage = PrimaryFails();
        await WriteAsync("flows/a.json", "a v2 during the outage");
        await WriteAsync("flows/new.json", "new during the outage");
        await DeleteAsync("flows/b.json");
        await PrimaryReturnsAsync(outage);

        var result = await ReconcileAsync();

        Assert.Equal(SyncStatus.Completed, result.Status);
        Assert.Equal(SyncMode.Merge, result.Plan.Mode);
        var primary = await TreeAsync(_primaryStore);
        Assert.Equal(primary, await TreeAsync(_secondaryStore));
        // With no synced base the later write keeps the key and the older one becomes a conflict copy.
        Assert.Equal("a v2 during the outage", primary["flows/a.json"]);
        Assert.Equal("a v1", Assert.Single(primary, pair => pair.Key.StartsWith("flows/a.conflict-", StringComparison.Ordinal)).Value);
        Assert.Equal("new during the outage", primary["flows/new.json"]);
        // Without a base a delete cannot be told from a key the standby never had: it is kept (copied back).
        Assert.Equal("b v1", primary["flows/b.json"]);
        Assert.Empty(_failover.DivergedKeys);
    }

    [Fact]
    public async Task Reconciling_while_the_primary_is_still_out_changes_nothing_and_says_retry_later()
    {
        await WriteAsync("k", "v1");
        using var outage = PrimaryFails();
        await WriteAsync("k", "v2");

        var error = await Assert.ThrowsAsync<StorageException>(ReconcileAsync);

        Assert.True(error.IsTransient);
        Assert.Contains("'main' is still out of rotation", error.Message, StringComparison.Ordinal);
        Assert.Equal(["k"], _failover.DivergedKeys);
        Assert.Null(await _state.GetPairAsync());
        Assert.Equal("v1", Encoding.UTF8.GetString(await _primaryStore.LoadBytesAsync("k")));
    }

    [Fact]
    public async Task A_key_written_again_through_the_secondary_during_reconciliation_stays_recorded()
    {
        var outage = PrimaryFails();
        await WriteAsync("k", "first outage");
        await PrimaryReturnsAsync(outage);
        var snapshot = _failover.GetDivergence();

        outage = PrimaryFails();
        await WriteAsync("k", "second outage");
        outage.Dispose();

        Assert.False(_failover.ForgetDivergence(Assert.Single(snapshot.Keys)));
        Assert.Equal(["k"], _failover.DivergedKeys);
        Assert.True(_failover.ForgetDivergence(Assert.Single(_failover.GetDivergence().Keys)));
        Assert.Empty(_failover.DivergedKeys);
    }

    [Fact]
    public async Task More_writes_than_the_stage_records_reconcile_the_whole_pair()
    {
        var outage = PrimaryFails();
        for (int i = 0; i <= 10_000; i++)
        {
            await _failover.SaveAsync($"bulk/{i:00000}", Encoding.UTF8.GetBytes($"v{i}"));
        }

        await PrimaryReturnsAsync(outage);
        var divergence = _failover.GetDivergence();
        Assert.False(divergence.IsComplete);
        Assert.Equal(1, divergence.UnrecordedWrites[Secondary]);

        var result = await ReconcileAsync();

        Assert.Equal(SyncStatus.Completed, result.Status);
        Assert.Equal(10_001, result.Plan.Totals.CopiesBToA);
        Assert.Equal("v10000", Encoding.UTF8.GetString(await _primaryStore.LoadBytesAsync("bulk/10000")));
        Assert.Equal(0, _failover.DivergedWriteCount);
        Assert.True(_failover.GetDivergence().IsEmpty);
    }
}
