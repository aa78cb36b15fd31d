using Atomiton.Storage.Hosting;
using Atomiton.Storage.Resilience.Audit;
using Atomiton.Storage.Resilience.Tests.Audit;

namespace Atomiton.Storage.Resilience.Tests.Hosting;

/// <summary>The stages declared in plugins.json and built by the host: names, option binding and member resolution.</summary>
public sealed class PluginsJsonPipelineTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Resilience_stages_and_the_mock_build_from_plugins_json()
    {
        const string Json = """
        {
          "stages": {
            "retry":    { "type": "retry", "options": { "maxRetryAttempts": 8, "baseDelay": "00:00:00", "writes": "Safe", "seed": 3 } },
            "failover": { "type": "failover", "options": { "members": ["backup"], "attemptTimeout": "00:00:02" } },
            "mirror":   { "type": "mirror", "options": { "members": ["backup", "spare"], "writeQuorum": 2 } },
            "audit":    { "type": "audit", "options": { "path": "logs/audit.jsonl", "defaultCaller": "tests" } },
            "chaos":    { "type": "chaos", "options": { "failureRate": 0.3, "failureCode": "Timeout", "seed": 11 } },
            "timeout":  { "type": "timeout", "options": { "timeout": "00:00:05" } },
            "breaker":  { "type": "circuit-breaker", "options": { "minimumThroughput": 1000 } },
            "quota":    { "type": "quota-monitor", "options": { "quotaWarningRatio": 0.7 } },
            "tiny":     { "type": "mock", "options": { "quotaBytes": 1000, "latency": "00:00:00" } }
          },
          "pipelines": {
            "main":     { "chain": ["failover", "audit", "retry", "timeout", "breaker", "chaos", "memory"] },
            "mirrored": { "chain": ["mirror", "quota", "tiny"] },
            "backup":   { "chain": ["mock"] },
            "spare":    { "chain": ["telemetry", "memory"] }
          }
        }
        """;
        string file = Path.Combine(_folder.Path, "plugins.json");
        await File.WriteAllTextAsync(file, Json);
        using var host = StorageHost.Load(file);
        Assert.Empty(host.Validate());

        await using (var main = await host.BuildPipelineAsync("main"))
        {
            for (int i = 0; i < 200; i++)
            {
                await main.SaveAsync($"k{i}", new byte[] { (byte)i });
                Assert.Equal((byte)i, (await main.LoadBytesAsync($"k{i}"))[0]);
            }

            var info = await main.GetInfoAsync();
            Assert.Equal(["failover", "audit", "retry"], new[] { info.EngineType, info.Inner!.EngineType, info.Inner.Inner!.EngineType });
        }

        await using (var mirrored = await host.BuildPipelineAsync("mirrored"))
        {
            await mirrored.SaveAsync("m", new byte[10]);
            var info = await mirrored.GetInfoAsync();
            Assert.Equal("mirror", info.EngineType);
            Assert.Equal("2", info.Details["quorum"]);
        }

        var verification = await AuditVerifier.VerifyFileAsync(Path.Combine(_folder.Path, "logs", "audit.jsonl"));
        Assert.True(verification.IsValid, verification.ToString());
        Assert.True(verification.Records >= 400);
    }

    [Theory]
    [InlineData("timeout", "timeoutMilliseconds", 5000, "timeout", "00:00:05")]
    [InlineData("retry", "maxRetryAfterMilliseconds", 90000, "maxRetryAfter", "00:01:30")]
    [InlineData("retry", "baseDelayMilliseconds", 250, "baseDelay", "00:00:00.250")]
    [InlineData("circuit-breaker", "samplingDurationMilliseconds", 30000, "samplingDuration", "00:00:30")]
    [InlineData("failover", "recoveryProbeMilliseconds", 5000, "recoveryProbeInterval", "00:00:05")]
    [InlineData("failover", "attemptTimeoutMilliseconds", 100, "attemptTimeout", "00:00:00.100")]
    [InlineData("quota-monitor", "checkIntervalMilliseconds", 60000, "checkInterval", "00:01:00")]
    public async Task A_former_milliseconds_option_is_refused_naming_the_duration_option_and_its_format(string type, string old, int value, string renamed, string duration)
    {
        string json = $$"""
        {
          "stages": { "stage": { "type": "{{type}}", "options": { "members": ["backup"], "{{old}}": {{value}} } } },
          "pipelines": { "main": { "chain": ["stage", "memory"] }, "backup": { "chain": ["memory"] } }
        }
        """;
        if (type != "failover")
        {
            json = json.Replace("\"members\": [\"backup\"], ", "", StringComparison.Ordinal);
        }

        string file = Path.Combine(_folder.Path, "plugins.json");
        await File.WriteAllTextAsync(file, json);
        using var host = StorageHost.Load(file);

        var problem = Assert.Single(host.Validate());
        Assert.Equal(old, problem.Option);
        Assert.Contains($"under '{renamed}'", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{renamed}\": \"{duration}\"", problem.Message, StringComparison.Ordinal);
        Assert.Contains("hh:mm:ss", problem.Message, StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<StorageException>(async () => await host.BuildPipelineAsync("main"));
        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
    }
}
