using Atomiton.Storage.Mock;
using Atomiton.Storage.Resilience.CircuitBreaker;
using Atomiton.Storage.Resilience.Retry;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Resilience.Tests.CircuitBreaker;

public sealed class CircuitBreakerEngineTests
{
    private static readonly CircuitBreakerOptions Sensitive = new() { FailureRatio = 0.5, MinimumThroughput = 4, SamplingDuration = TimeSpan.FromSeconds(10), BreakDuration = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task Repeated_transient_failures_open_the_circuit_and_calls_are_refused_without_reaching_the_engine()
    {
        var time = new FakeTimeProvider();
        var mock = new MockEngine(null, time);
        await using var engine = new CircuitBreakerEngine(mock, Sensitive, time);
        using var outage = mock.Faults.FailAll(StorageErrorCode.NetworkError);
        for (int i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());
        }

        var refused = await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());

        Assert.Equal(CircuitStatus.Open, engine.Status);
        Assert.Equal(4, mock.Calls[MockOperation.Stat]);
        Assert.Equal(StorageErrorCode.NetworkError, refused.Code);
        Assert.True(refused.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(2), refused.RetryAfter);
        Assert.Contains("circuit of stage 'circuit-breaker' is open", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Persistent_failures_from_a_retry_stage_beneath_open_the_circuit()
    {
        var time = new FakeTimeProvider();
        var mock = new MockEngine(null, time);
        var retry = new RetryEngine(mock, new RetryOptions { MaxRetryAttempts = 1, BaseDelay = TimeSpan.Zero }, time);
        await using var engine = new CircuitBreakerEngine(retry, Sensitive, time);
        using var outage = mock.Faults.FailAll(StorageErrorCode.NetworkError);
        for (int i = 0; i < 4; i++)
        {
            var error = await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());
            Assert.True(error.IsPersistent);
        }

        await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());

        Assert.Equal(CircuitStatus.Open, engine.Status);
        Assert.Equal(8, mock.Calls[MockOperation.Stat]);
    }

    [Fact]
    public async Task After_the_break_a_successful_probe_closes_the_circuit()
    {
        var time = new FakeTimeProvider();
        var mock = new MockEngine(null, time);
        await using var engine = new CircuitBreakerEngine(mock, Sensitive, time);
        var outage = mock.Faults.FailAll(StorageErrorCode.Timeout);
        for (int i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<StorageException>(() => engine.ExistsAsync("k").AsTask());
        }

        await Assert.ThrowsAsync<StorageException>(() => engine.GetInfoAsync().AsTask());
        outage.Dispose();
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.False(await engine.ExistsAsync("k"));
        var info = await engine.GetInfoAsync();

        Assert.Equal(CircuitStatus.Closed, engine.Status);
        Assert.Equal("Closed", info.Details["circuit"]);
        Assert.Equal(StorageHealthDetails.Healthy, info.Details[StorageHealthDetails.Status]);
    }

    [Fact]
    public async Task Answers_such_as_NotFound_never_open_the_circuit()
    {
        var mock = new MockEngine();
        await using var engine = new CircuitBreakerEngine(mock, Sensitive);
        for (int i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("missing").AsTask());
        }

        Assert.Equal(CircuitStatus.Closed, engine.Status);
        Assert.Equal(10, mock.Calls[MockOperation.Stat]);
    }

    [Fact]
    public async Task Provider_builds_the_stage_over_the_inner_engine()
    {
        var provider = new CircuitBreakerProvider();
        var context = new Atomiton.Storage.Providers.StorageProviderContext { PipelineName = "main", StageName = "circuit-breaker", Inner = new Atomiton.Storage.Memory.MemoryEngine() };

        await using var engine = await provider.CreateAsync(new CircuitBreakerOptions(), context);

        Assert.Equal("circuit-breaker", engine.EngineType);
        Assert.Equal(Atomiton.Storage.Providers.StorageProviderKind.Wrapper, provider.Kind);
        Assert.False(string.IsNullOrWhiteSpace(provider.Description));
    }
}
