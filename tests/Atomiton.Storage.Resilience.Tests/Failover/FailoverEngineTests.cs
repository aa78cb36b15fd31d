using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Resilience.Failover;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Resilience.Tests.Failover;

public sealed class FailoverEngineTests
{
    [Fact]
    public async Task Primary_failing_mid_run_fails_no_operation_and_switches_to_the_secondary()
    {
        var primary = new MockEngine(new MockOptions { Seed = 1 });
        var secondary = new MockEngine(new MockOptions { Seed = 2 });
        await using var engine = new FailoverEngine(primary, [new("backup", secondary)]);
        IDisposable? outage = null;
        int failed = 0;

        for (int i = 0; i < 2_000; i++)
        {
            if (i == 1_000)
            {
                outage = primary.Faults.FailAll(StorageErrorCode.NetworkError);
            }

            try
            {
                await engine.SaveAsync($"run/{i}", new byte[] { (byte)i });
                Assert.Equal((byte)i, (await engine.LoadBytesAsync($"run/{i}"))[0]);
            }
            catch (StorageException)
            {
                failed++;
            }
        }

        outage!.Dispose();
        Assert.Equal(0, failed);
        Assert.Equal("backup", engine.ActiveMember);
        Assert.Equal(1_000, engine.DivergedWriteCount);
        Assert.Contains("run/1999", engine.DivergedKeys);
        Assert.False(await primary.ExistsAsync("run/1500"));
        Assert.True(await secondary.ExistsAsync("run/1500"));
        // With a failure threshold of 1 the primary is tried once, then skipped until its probe.
        Assert.Equal(1, primary.Calls.InjectedFailures);
    }

    [Fact]
    public async Task Primary_returns_after_a_successful_recovery_probe_and_diverged_writes_are_reported()
    {
        var time = new FakeTimeProvider();
        var primary = new MockEngine(null, time);
        var secondary = new MockEngine(null, time);
        await using var engine = new FailoverEngine(primary, [new("backup", secondary)], new FailoverOptions { RecoveryProbeInterval = TimeSpan.FromSeconds(1) }, time);

        var outage = primary.Faults.FailAll(StorageErrorCode.NetworkError);
        await engine.SaveAsync("during/outage", new byte[] { 1 });
        outage.Dispose();
        Assert.True(await engine.ExistsAsync("during/outage"));
        Assert.Equal("backup", engine.ActiveMember);
        var degraded = await engine.GetInfoAsync();

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await engine.ExistsAsync("during/outage"));
        var members = engine.Members;

        Assert.Equal("primary", engine.ActiveMember);
        Assert.All(members, m => Assert.True(m.IsAvailable));
        Assert.Equal(["during/outage"], engine.DivergedKeys);
        Assert.Equal(StorageHealthDetails.Degraded, degraded.Details[StorageHealthDetails.Status]);
        Assert.Contains("serving from secondary 'backup'", degraded.Details[StorageHealthDetails.Reason], StringComparison.Ordinal);
        Assert.Contains("1 writes served by secondaries", degraded.Details[StorageHealthDetails.Reason], StringComparison.Ordinal);

        engine.ForgetDivergedKeys(["during/outage"]);
        var healthy = await engine.GetInfoAsync();
        Assert.Equal(StorageHealthDetails.Healthy, healthy.Details[StorageHealthDetails.Status]);
        Assert.Equal(0, engine.DivergedWriteCount);
    }

    [Fact]
    public async Task A_failed_probe_keeps_the_primary_out()
    {
        var time = new FakeTimeProvider();
        var primary = new MockEngine(null, time);
        var secondary = new MockEngine(null, time);
        await using var engine = new FailoverEngine(primary, [new("backup", secondary)], new FailoverOptions { RecoveryProbeInterval = TimeSpan.FromSeconds(1) }, time);
        await secondary.SaveAsync("a", new byte[] { 1 });
        using var outage = primary.Faults.FailAll(StorageErrorCode.NetworkError);

        Assert.True(await engine.ExistsAsync("a"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await engine.ExistsAsync("a"));

        Assert.Equal(1, primary.Calls[MockOperation.GetInfo]);
        Assert.Equal(1, primary.Calls[MockOperation.Exists]);
        Assert.False(engine.Members[0].IsAvailable);
        Assert.Contains("NetworkError", engine.Members[0].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_such_as_NotFound_are_not_failed_over()
    {
        var primary = new MockEngine();
        var secondary = new MockEngine();
        await secondary.SaveAsync("only/on/secondary", new byte[] { 1 });
        await using var engine = new FailoverEngine(primary, [new("backup", secondary)]);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("only/on/secondary").AsTask());

        Assert.Equal(StorageErrorCode.NotFound, error.Code);
        Assert.Equal(0, secondary.Calls[MockOperation.Stat]);
    }

    [Theory]
    [InlineData("load")]
    [InlineData("stat")]
    [InlineData("exists")]
    public async Task Absence_on_a_secondary_is_not_trusted_while_the_primary_cannot_be_asked(string operation)
    {
        var primary = new MockEngine();
        var secondary = new MockEngine();
        await primary.SaveAsync("only/on/primary", new byte[] { 1 });
        await using var engine = new FailoverEngine(primary, [new("backup", secondary)]);
        using var outage = primary.Faults.FailAll(StorageErrorCode.NetworkError);

        var error = await Assert.ThrowsAsync<StorageException>(() => operation switch
        {
            "load" => engine.LoadBytesAsync("only/on/primary").AsTask(),
            "stat" => engine.StatAsync("only/on/primary").AsTask(),
            _ => engine.ExistsAsync("only/on/primary").AsTask(),
        });
        var whileOut = await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("only/on/primary").AsTask());

        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.True(error.IsTransient);
        Assert.Contains("not on secondary 'backup', and the primary 'primary' failed with NetworkError", error.Message, StringComparison.Ordinal);
        Assert.Contains("is out of rotation", whileOut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_that_hangs_is_skipped_after_the_attempt_budget()
    {
        var time = new FakeTimeProvider();
        var primary = new MockEngine(new MockOptions { Latency = TimeSpan.FromSeconds(60) }, time);
        var secondary = new MockEngine(null, time);
        await secondary.SaveAsync("k", new byte[] { 7 });
        await using var engine = new FailoverEngine(primary, [new("backup", secondary)], new FailoverOptions { AttemptTimeout = TimeSpan.FromMilliseconds(100) }, time);

        await Task.Run(async () =>
        {
            var load = engine.LoadBytesAsync("k").AsTask();
            time.Advance(TimeSpan.FromMilliseconds(99));
            Assert.False(load.IsCompleted);
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(new byte[] { 7 }, await load);
        });

        Assert.Contains("attemptTimeout", engine.Members[0].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_every_member_fails_the_error_names_them_and_keeps_the_last_code()
    {
        var primary = new MockEngine();
        var secondary = new MockEngine();
        await using var engine = new FailoverEngine(primary, [new("backup", secondary)], new FailoverOptions { FailureThreshold = 3 });
        primary.Faults.Enqueue(MockOperation.Stat, StorageErrorCode.NetworkError);
        secondary.Faults.Enqueue(MockOperation.Stat, StorageErrorCode.Timeout);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());

        Assert.Equal(StorageErrorCode.Timeout, error.Code);
        Assert.True(error.IsTransient);
        Assert.Contains("primary, backup", error.Message, StringComparison.Ordinal);
        Assert.All(engine.Members, m => Assert.True(m.IsAvailable));
    }

    [Fact]
    public async Task With_every_member_out_of_rotation_calls_fail_fast_as_transient()
    {
        var time = new FakeTimeProvider();
        var primary = new MockEngine(null, time);
        var secondary = new MockEngine(null, time);
        await using var engine = new FailoverEngine(primary, [new("backup", secondary)], null, time);
        primary.Faults.FailAll(StorageErrorCode.NetworkError);
        secondary.Faults.FailAll(StorageErrorCode.NetworkError);
        await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());

        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.Contains("out of rotation", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, primary.Calls[MockOperation.Stat]);
    }

    [Fact]
    public async Task A_save_from_a_stream_that_cannot_seek_is_not_redirected()
    {
        var primary = new MockEngine();
        var secondary = new MockEngine();
        await using var engine = new FailoverEngine(primary, [new("backup", secondary)]);
        primary.Faults.Enqueue(MockOperation.Save, StorageErrorCode.NetworkError);
        using var content = new ForwardOnlyStream([1, 2]);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("k", content).AsTask());

        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.Equal(0, secondary.Calls[MockOperation.Save]);
    }

    [Fact]
    public async Task A_seekable_save_is_redirected_from_its_start()
    {
        var primary = new MockEngine();
        var secondary = new MockEngine();
        await using var engine = new FailoverEngine(primary, [new("backup", secondary)]);
        primary.Faults.Enqueue(MockOperation.Save, StorageErrorCode.NetworkError);
        using var content = new MemoryStream([1, 2, 3]);

        await engine.SaveAsync("k", content);

        Assert.Equal(new byte[] { 1, 2, 3 }, await secondary.LoadBytesAsync("k"));
    }

    [Fact]
    public async Task A_listing_that_breaks_on_the_primary_continues_on_the_secondary()
    {
        var primaryData = new MemoryEngine();
        var secondary = new MemoryEngine();
        for (int i = 0; i < 8; i++)
        {
            await primaryData.SaveAsync($"k{i}", new byte[] { 1 });
            await secondary.SaveAsync($"k{i}", new byte[] { 1 });
        }

        await using var engine = new FailoverEngine(new FailingListEngine(primaryData, failAfter: 3), [new("backup", secondary)]);

        var keys = new List<string>();
        await foreach (var entry in engine.ListAsync())
        {
            keys.Add(entry.Key);
        }

        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"k{i}"), keys);
        Assert.Equal("backup", engine.ActiveMember);
    }

    [Fact]
    public async Task Copy_move_and_delete_are_routed_and_writes_on_the_secondary_recorded()
    {
        var primary = new MockEngine();
        var secondary = new MockEngine();
        await using var engine = new FailoverEngine(primary, [new("backup", secondary)]);
        using var outage = primary.Faults.FailAll(StorageErrorCode.NetworkError);

        await engine.SaveAsync("a", new byte[] { 1 });
        await engine.CopyAsync("a", "b");
        await engine.MoveAsync("b", "c");
        Assert.True(await engine.DeleteAsync("a"));

        Assert.Equal(["a", "b", "c"], engine.DivergedKeys);
        Assert.True(await secondary.ExistsAsync("c"));
    }

    [Fact]
    public async Task Capabilities_are_what_every_member_offers()
    {
        await using var engine = new FailoverEngine(new MemoryEngine(), [new("quota", new MockEngine(new MockOptions { QuotaBytes = 10 }))]);

        Assert.False(engine.Capabilities.HasFlag(StorageCapabilities.Quota));
        Assert.True(engine.Capabilities.HasFlag(StorageCapabilities.ConditionalWrite));
    }

    [Fact]
    public void A_failover_without_secondaries_is_refused()
    {
        var error = Assert.Throws<StorageException>(() => new FailoverEngine(new MemoryEngine(), []));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
    }

    private sealed class ForwardOnlyStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
