using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Atomiton.Storage.Plugins.Cloud;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// The plugin's several endpoints (<c>replicas</c>): requests spread over the healthy ones in turn, and
/// one that does not answer is left out by its circuit breaker after two refused connections while the
/// one retry loop sends those attempts elsewhere. Three endpoint names reach the test through a proxy
/// that counts each one's requests: two lead to one server, the third to a loopback port nobody listens on.
/// </summary>
public sealed class ReplicaEndpointTests
{
    [Fact]
    public async Task Requests_spread_over_healthy_replicas_and_a_replica_that_is_down_is_left_out_after_two_attempts()
    {
        await using var server = await CloudTestServer.StartAsync();
        int closedPort = ClosedPort();
        var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        using var proxy = new InterceptingHandler(async (request, forward, token) =>
        {
            var host = request.RequestUri!.Host;
            counts.AddOrUpdate(host, 1, (_, n) => n + 1);
            var target = new UriBuilder(request.RequestUri) { Host = "127.0.0.1", Port = host == "down.replica.test" ? closedPort : server.Endpoint.Port };
            request.RequestUri = target.Uri;
            return await forward();
        });

        // The breakers' clock stands still: the down replica's break never ends during the test, whatever the machine's speed.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var engine = await server.ConnectThroughAsync(server.CreateTenantKey().Key, proxy, configure: options =>
        {
            options.Endpoint = "http://a.replica.test/";
            options.Replicas = ["http://down.replica.test/", "http://b.replica.test/"];
            options.RetryDelay = TimeSpan.Zero;
        }, time: time);

        const int Operations = 60;
        for (int i = 0; i < Operations; i++)
        {
            await engine.SaveAsync($"k{i}", new[] { (byte)i });
            Assert.Equal(new[] { (byte)i }, await engine.LoadBytesAsync($"k{i}"));
        }

        int a = counts.GetValueOrDefault("a.replica.test");
        int b = counts.GetValueOrDefault("b.replica.test");
        int down = counts.GetValueOrDefault("down.replica.test");

        // Connect (info) + 120 operations, all answered; the down replica got exactly the attempts that open its circuit.
        Assert.Equal((2 * Operations) + 1, a + b);
        Assert.Equal(CloudEndpoints.FailuresToBreak, down);

        // Spread: the healthy two take turns, so neither gets much more than half.
        Assert.InRange(a, Operations - 2, Operations + 3);
        Assert.InRange(b, Operations - 2, Operations + 3);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
