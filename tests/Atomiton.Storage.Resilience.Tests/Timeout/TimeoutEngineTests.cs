using Atomiton.Storage.Mock;
using Atomiton.Storage.Resilience.Timeout;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Resilience.Tests.Timeout;

public sealed class TimeoutEngineTests
{
    [Fact]
    public async Task A_call_past_its_budget_is_cancelled_as_a_transient_Timeout_and_writes_nothing()
    {
        var time = new FakeTimeProvider();
        var mock = new MockEngine(new MockOptions { Latency = TimeSpan.FromSeconds(5) }, time);
        await using var engine = new TimeoutEngine(mock, new TimeoutOptions { Timeout = TimeSpan.FromMilliseconds(200) }, time);

        var error = await Task.Run(async () =>
        {
            var save = engine.SaveAsync("k", new byte[] { 1 }).AsTask();
            time.Advance(TimeSpan.FromMilliseconds(199));
            Assert.False(save.IsCompleted);
            time.Advance(TimeSpan.FromMilliseconds(1));
            return await Assert.ThrowsAsync<StorageException>(() => save);
        });

        Assert.Equal(StorageErrorCode.Timeout, error.Code);
        Assert.True(error.IsTransient);
        Assert.Equal("save", error.Operation);
        Assert.Contains("option 'timeout'", error.Message, StringComparison.Ordinal);
        var exists = mock.ExistsAsync("k").AsTask();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(await exists);
    }

    [Fact]
    public async Task A_call_within_its_budget_completes()
    {
        var time = new FakeTimeProvider();
        var mock = new MockEngine(new MockOptions { Latency = TimeSpan.FromMilliseconds(100) }, time);
        await using var engine = new TimeoutEngine(mock, new TimeoutOptions { Timeout = TimeSpan.FromMilliseconds(200) }, time);

        await Task.Run(async () =>
        {
            var exists = engine.ExistsAsync("k").AsTask();
            time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.False(await exists);
        });

        Assert.Equal("timeout", engine.EngineType);
    }

    [Fact]
    public async Task Info_past_its_budget_names_no_key()
    {
        var time = new FakeTimeProvider();
        await using var engine = new TimeoutEngine(new MockEngine(new MockOptions { Latency = TimeSpan.FromSeconds(1) }, time), new TimeoutOptions { Timeout = TimeSpan.FromMilliseconds(10) }, time);

        var error = await Task.Run(async () =>
        {
            var info = engine.GetInfoAsync().AsTask();
            time.Advance(TimeSpan.FromMilliseconds(10));
            return await Assert.ThrowsAsync<StorageException>(() => info);
        });

        Assert.Null(error.Key);
        Assert.Contains("The info did not finish", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_builds_the_stage_over_the_inner_engine()
    {
        var provider = new TimeoutProvider();
        var context = new Atomiton.Storage.Providers.StorageProviderContext { PipelineName = "main", StageName = "timeout", Inner = new Atomiton.Storage.Memory.MemoryEngine() };

        await using var engine = await provider.CreateAsync(new TimeoutOptions(), context);

        Assert.Equal("timeout", engine.EngineType);
        Assert.Equal(Atomiton.Storage.Providers.StorageProviderKind.Wrapper, provider.Kind);
        Assert.False(string.IsNullOrWhiteSpace(provider.Description));
    }
}
