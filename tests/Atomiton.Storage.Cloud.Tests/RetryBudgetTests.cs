using Atomiton.Storage.Cloud.Server.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// The plugin's retries are bounded by a duration (option <c>retryBudget</c>, two minutes by
/// default), not by a count: an upload rides out a server restart that takes most of the budget,
/// and gives up — aborting its session, naming the option — once the budget has passed. The
/// outage runs on a fake clock, so no verdict depends on the machine's speed.
/// </summary>
public sealed class RetryBudgetTests : IAsyncLifetime
{
    private const int Chunk = 256 * 1024;

    private CloudTestServer _server = null!;
    private CreatedApiKey _key = null!;

    public async Task InitializeAsync()
    {
        _server = await CloudTestServer.StartAsync();
        _key = _server.CreateTenantKey(tenant: "t/");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Upload_rides_out_an_outage_of_110_simulated_seconds_with_the_default_budget()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var handler = new OutageHandler(time) { OutageAtChunk = 2, Window = TimeSpan.FromSeconds(110) };
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler, configure: o => o.RetryDelay = TimeSpan.Zero, time: time);
        var content = Content(4 * Chunk + 3, seed: 21);

        var item = await engine.SaveAsync("big.bin", new MemoryStream(content));

        Assert.Equal(content.Length, item.Size);
        Assert.Equal(content, await _server.Engine.LoadBytesAsync("t/big.bin"));
        Assert.InRange(handler.Refused, 110, 111);
    }

    [Fact]
    public async Task Outage_longer_than_the_budget_fails_the_upload_naming_the_option_and_leaves_no_object()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var handler = new OutageHandler(time) { OutageAtChunk = 2, Window = TimeSpan.FromMinutes(10) };
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler, configure: o => o.RetryDelay = TimeSpan.Zero, time: time);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("big.bin", new MemoryStream(Content(4 * Chunk, seed: 22))));

        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.False(error.IsTransient);
        Assert.True(error.IsPersistent, "the transport gave up: a retry stage above must not repeat it");
        Assert.Contains("Gave up after retrying for 2 min (option 'retryBudget').", error.Message, StringComparison.Ordinal);
        // Refused attempts advance the clock by one second each: the budget allows about 120 of them, then one abort that is refused too.
        Assert.InRange(handler.Refused, 120, 123);
        Assert.False(await _server.Engine.ExistsAsync("t/big.bin"));
    }

    [Fact]
    public async Task A_retry_budget_of_zero_fails_at_the_first_transient_error()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var handler = new OutageHandler(time) { OutageAtChunk = 1, Window = TimeSpan.FromMinutes(10) };
        await using var engine = await _server.ConnectThroughAsync(_key.Key, handler, configure: o => o.RetryBudget = TimeSpan.Zero, time: time);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("big.bin", new MemoryStream(Content(2 * Chunk, seed: 23))));

        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.Equal(2, handler.Refused); // the chunk, then the abort
    }

    private static byte[] Content(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
