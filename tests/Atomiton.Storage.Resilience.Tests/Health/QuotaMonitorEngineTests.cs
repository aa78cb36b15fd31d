using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Resilience.Health;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Resilience.Tests.Health;

public sealed class QuotaMonitorEngineTests
{
    [Fact]
    public async Task Writes_crossing_the_thresholds_log_a_warning_then_an_error_once_each()
    {
        var logger = new RecordingLogger();
        await using var engine = new QuotaMonitorEngine(new MockEngine(new MockOptions { QuotaBytes = 100 }), "main",
            new QuotaMonitorOptions { QuotaWarningRatio = 0.5, QuotaCriticalRatio = 0.9, CheckInterval = TimeSpan.Zero }, null, logger);

        await engine.SaveAsync("a", new byte[40]);
        await engine.SaveAsync("b", new byte[20]);
        await engine.SaveAsync("c", new byte[5]);
        await engine.CopyAsync("c", "d");
        await engine.SaveAsync("e", new byte[30]);
        await engine.DeleteAsync("e");
        await engine.DeleteAsync("a");

        Assert.Equal([StorageLogLevel.Warning, StorageLogLevel.Error, StorageLogLevel.Warning, StorageLogLevel.Information], logger.Messages.Select(m => m.Level));
        Assert.Contains("Pipeline 'main' uses 60 of 100 quota bytes", logger.Messages.First().Text, StringComparison.Ordinal);
        Assert.Equal(QuotaLevel.Normal, engine.Level);
    }

    [Fact]
    public async Task Checks_after_writes_are_spaced_by_the_interval()
    {
        var time = new FakeTimeProvider();
        var mock = new MockEngine(new MockOptions { QuotaBytes = 100 }, time);
        await using var engine = new QuotaMonitorEngine(mock, "main", new QuotaMonitorOptions { CheckInterval = TimeSpan.FromSeconds(1) }, time);

        await engine.SaveAsync("a", new byte[1]);
        await engine.SaveAsync("b", new byte[1]);
        Assert.Equal(1, mock.Calls[MockOperation.GetInfo]);
        time.Advance(TimeSpan.FromSeconds(1));
        await engine.SaveAsync("c", new byte[1]);

        Assert.Equal(2, mock.Calls[MockOperation.GetInfo]);
    }

    [Fact]
    public async Task Info_reports_the_level_as_health()
    {
        await using var engine = new QuotaMonitorEngine(new MockEngine(new MockOptions { QuotaBytes = 100 }), "main");
        await engine.SaveAsync("a", new byte[85]);

        var info = await engine.GetInfoAsync();

        Assert.Equal("Warning", info.Details["quotaLevel"]);
        Assert.Equal(StorageHealthDetails.Degraded, info.Details[StorageHealthDetails.Status]);
        Assert.Equal("quota warning: 85 of 100 bytes used", info.Details[StorageHealthDetails.Reason]);
        await engine.SaveAsync("b", new byte[12]);
        Assert.Equal(StorageHealthDetails.Unhealthy, (await engine.GetInfoAsync()).Details[StorageHealthDetails.Status]);
    }

    [Fact]
    public async Task A_failing_quota_check_does_not_fail_the_write()
    {
        var mock = new MockEngine(new MockOptions { QuotaBytes = 100 });
        await using var engine = new QuotaMonitorEngine(mock, "main", new QuotaMonitorOptions { CheckInterval = TimeSpan.Zero });
        mock.Faults.Enqueue(MockOperation.GetInfo, StorageErrorCode.NetworkError);

        await engine.SaveAsync("a", new byte[1]);
        await engine.MoveAsync("a", "b");

        Assert.True(await mock.ExistsAsync("b"));
    }

    [Fact]
    public async Task Provider_builds_the_stage_and_refuses_inverted_thresholds()
    {
        var provider = new QuotaMonitorProvider();
        var context = new StorageProviderContext { PipelineName = "main", StageName = "quota", Inner = new MemoryEngine() };

        await using var engine = await provider.CreateAsync(new QuotaMonitorOptions(), context);
        var error = await Assert.ThrowsAsync<StorageException>(() => provider.CreateAsync(new QuotaMonitorOptions { QuotaWarningRatio = 0.9, QuotaCriticalRatio = 0.1 }, context).AsTask());

        Assert.Equal("quota-monitor", engine.EngineType);
        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("QuotaWarningRatio", error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(provider.Description));
    }
}
