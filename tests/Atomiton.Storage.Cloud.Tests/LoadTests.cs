using Atomiton.Storage.Cloud.Benchmarks;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>A short run of the load benchmark: concurrent clients lose no write and see no error.</summary>
public sealed class LoadTests
{
    [Fact]
    public async Task Thirty_two_concurrent_clients_see_no_error_and_lose_no_write()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var result = await CloudLoadRun.RunAsync(clients: 32, operationsPerClient: 60, timeout.Token);
        Assert.Equal(32 * 60, result.Operations);
        Assert.Equal(0, result.Errors);
        Assert.Equal(0, result.LostWrites);
    }
}
