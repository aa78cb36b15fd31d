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
            "retry":    { "type": "retry", "options": { "maxRetryAttempts": 8, "baseDelayMilliseconds": 0, "writes": "Safe", "seed": 3 } },
            "failover": { "type": "failover", "options": { "members": ["backup"], "attemptTimeoutMilliseconds": 2000 } },
            "mirror":   { "type": "mirror", "options": { "members": ["backup", "spare"], "writeQuorum": 2 } },
            "audit":    { "type": "audit", "options": { "path": "logs/audit.jsonl", "defaultCaller": "tests" } },
            "chaos":    { "type": "chaos", "options": { "failureRate": 0.3, "failureCode": "Timeout", "seed": 11 } },
            "timeout":  { "type": "timeout", "options": { "timeoutMilliseconds": 5000 } },
            "breaker":  { "type": "circuit-breaker", "options": { "minimumThroughput": 1000 } },
            "quota":    { "type": "quota-monitor", "options": { "quotaWarningRatio": 0.7 } },
            "tiny":     { "type": "mock", "options": { "quotaBytes": 1000, "latencyMilliseconds": 0 } }
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
}
