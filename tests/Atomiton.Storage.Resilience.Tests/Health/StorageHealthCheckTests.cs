using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Resilience.Failover;
using Atomiton.Storage.Resilience.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Atomiton.Storage.Resilience.Tests.Health;

public sealed class StorageHealthCheckTests
{
    private static readonly HealthCheckContext Context = new() { Registration = new HealthCheckRegistration("storage", _ => null!, null, null) };

    [Fact]
    public async Task A_working_pipeline_is_healthy()
    {
        var check = new StorageHealthCheck(new MemoryEngine(), new QuotaMonitor("main"));

        var result = await check.CheckHealthAsync(Context);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("memory", result.Data["engine"]);
    }

    [Fact]
    public async Task A_pipeline_whose_info_fails_is_unhealthy_with_the_code()
    {
        var mock = new MockEngine();
        mock.Faults.FailAll(StorageErrorCode.AuthenticationFailed);

        var result = await new StorageHealthCheck(mock, new QuotaMonitor("main")).CheckHealthAsync(Context);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("AuthenticationFailed", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quota_usage_past_the_thresholds_degrades_then_fails_the_check_and_logs_once_per_crossing()
    {
        var logger = new RecordingLogger();
        var mock = new MockEngine(new MockOptions { QuotaBytes = 100 });
        var check = new StorageHealthCheck(mock, new QuotaMonitor("main", new StorageHealthCheckOptions { QuotaWarningRatio = 0.5, QuotaCriticalRatio = 0.9 }, logger));

        await mock.SaveAsync("a", new byte[60]);
        var warning = await check.CheckHealthAsync(Context);
        await check.CheckHealthAsync(Context);
        await mock.SaveAsync("b", new byte[35]);
        var critical = await check.CheckHealthAsync(Context);
        await mock.DeleteAsync("a");
        await mock.DeleteAsync("b");
        var normal = await check.CheckHealthAsync(Context);

        Assert.Equal(HealthStatus.Degraded, warning.Status);
        Assert.Equal(60L, warning.Data["quotaUsed"]);
        Assert.Equal(100L, warning.Data["quotaTotal"]);
        Assert.Contains("quota warning: 60 of 100 bytes used", warning.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, critical.Status);
        Assert.Equal(HealthStatus.Healthy, normal.Status);
        Assert.Equal([StorageLogLevel.Warning, StorageLogLevel.Error, StorageLogLevel.Information], logger.Messages.Select(m => m.Level));
        Assert.Contains("Pipeline 'main' uses 60 of 100 quota bytes", logger.Messages.First().Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stage_reporting_degraded_degrades_the_check_with_its_reason()
    {
        var primary = new MockEngine();
        await using var failover = new FailoverEngine(primary, [new("backup", new MemoryEngine())]);
        using (primary.Faults.FailAll(StorageErrorCode.NetworkError))
        {
            await failover.SaveAsync("k", new byte[] { 1 });
        }

        var result = await new StorageHealthCheck(failover, new QuotaMonitor("main")).CheckHealthAsync(Context);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("stage 'failover' is degraded: serving from secondary 'backup'", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disconnected_engine_is_unhealthy()
    {
        var result = await new StorageHealthCheck(new DisconnectedEngine(), new QuotaMonitor("main")).CheckHealthAsync(Context);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("not connected", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checks_register_with_the_health_checks_builder_and_resolve_the_pipeline_lazily()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IStorageEngine>(new MemoryEngine());
        services.AddHealthChecks().AddStorageCheck("storage:main", (provider, ct) => ValueTask.FromResult(provider.GetRequiredService<IStorageEngine>()), tags: ["storage"]);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Entries["storage:main"].Status);
        Assert.Contains("storage", report.Entries["storage:main"].Tags);
    }

    [Fact]
    public void A_warning_threshold_above_the_critical_one_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new QuotaMonitor("main", new StorageHealthCheckOptions { QuotaWarningRatio = 0.9, QuotaCriticalRatio = 0.5 }));
    }

    private sealed class DisconnectedEngine() : DelegatingStorageEngine(new MemoryEngine())
    {
        public override string EngineType => "offline";

        protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken) =>
            (await base.GetInfoCoreAsync(cancellationToken)) with { IsConnected = false };
    }
}
