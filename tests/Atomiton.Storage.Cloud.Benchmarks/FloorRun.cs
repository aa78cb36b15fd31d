using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Atomiton.Storage.Cloud.Benchmarks;

/// <summary>
/// The physical floor beside the load runs: raw Kestrel on loopback answering the cloud API's routes with
/// responses of the same sizes (a put's ~250-byte item JSON, a load's 1 KiB body with its item header,
/// a stat's headers, a listing's JSON of 32 entries, a delete's small JSON) without authentication,
/// storage, database or change log, driven by the same number of clients with plain <see cref="HttpClient"/>s
/// doing the same seeded mix of 1 KiB requests. What is left is HTTP on this machine.
/// </summary>
public static class FloorRun
{
    private static readonly byte[] Body = RandomBytes(1024);
    private static readonly string ItemJson = """{"key":"k00","size":1024,"created":"2026-12-02T15:00:00+00:00","updated":"2026-12-02T15:00:00+00:00","etag":"0x8DE31A2B3C4D5E6","contentType":"application/octet-stream","hashes":{"md5":"1B2M2Y8AsgTpgAmY7PhCfg=="}}""";
    private static readonly string ItemHeader = Convert.ToBase64String(Encoding.UTF8.GetBytes(ItemJson)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    private static readonly byte[] ListJson = Encoding.UTF8.GetBytes("{\"items\":[" + string.Join(',', Enumerable.Repeat(ItemJson, 32)) + "],\"next\":null}");

    public static async Task<CloudLoadResult> RunAsync(int clients, int operationsPerClient, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapPut("/v1/objects/{**key}", async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            context.Response.Headers.ETag = "\"0x8DE31A2B3C4D5E6\"";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(ItemJson, context.RequestAborted);
        });
        app.MapGet("/v1/objects/{**key}", async (HttpContext context) =>
        {
            ItemHeaders(context.Response);
            context.Response.ContentLength = Body.Length;
            await context.Response.Body.WriteAsync(Body, context.RequestAborted);
        });
        app.MapMethods("/v1/objects/{**key}", [HttpMethods.Head], (HttpContext context) =>
        {
            ItemHeaders(context.Response);
            context.Response.ContentLength = Body.Length;
            return Task.CompletedTask;
        });
        app.MapGet("/v1/list", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(ListJson, context.RequestAborted);
        });
        app.MapDelete("/v1/objects/{**key}", (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("{\"deleted\":true}", context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var latencies = new ConcurrentDictionary<string, ConcurrentBag<double>>(StringComparer.Ordinal);
        long errors = 0;
        var http = Enumerable.Range(0, clients).Select(_ =>
        {
            var client = new HttpClient(new SocketsHttpHandler()) { BaseAddress = address };
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer atm_floor_floor_floor_floor_floor_floor_0000");
            return client;
        }).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = http.Select((client, index) => Task.Run(async () =>
        {
            var random = new Random(1000 + index);
            var content = new byte[1024];
            await start.Task;
            for (int i = 0; i < operationsPerClient; i++)
            {
                var key = $"k{random.Next(CloudLoadRun.KeysPerClient):D2}";
                var name = CloudLoadRun.NextOperation(random);
                var watch = Stopwatch.StartNew();
                using var request = name switch
                {
                    "save" => new HttpRequestMessage(HttpMethod.Put, "v1/objects/" + key) { Content = new ByteArrayContent(content) },
                    "load" => new HttpRequestMessage(HttpMethod.Get, "v1/objects/" + key),
                    "stat" => new HttpRequestMessage(HttpMethod.Head, "v1/objects/" + key),
                    "list" => new HttpRequestMessage(HttpMethod.Get, "v1/list?pageSize=100"),
                    _ => new HttpRequestMessage(HttpMethod.Delete, "v1/objects/" + key),
                };
                if (name == "save")
                {
                    random.NextBytes(content);
                }

                using var response = await client.SendAsync(request, cancellationToken);
                await response.Content.CopyToAsync(Stream.Null, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }

                latencies.GetOrAdd(name, _ => []).Add(watch.Elapsed.TotalMilliseconds);
            }
        }, cancellationToken)).ToArray();
        var clock = Stopwatch.StartNew();
        start.SetResult();
        await Task.WhenAll(tasks);
        clock.Stop();
        foreach (var client in http)
        {
            client.Dispose();
        }

        await app.StopAsync(CancellationToken.None);
        return new CloudLoadResult(clients, operationsPerClient, clock.Elapsed, errors, 0,
            latencies.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal));
    }

    private static void ItemHeaders(HttpResponse response)
    {
        response.Headers.ETag = "\"0x8DE31A2B3C4D5E6\"";
        response.Headers["X-Atomiton-Item"] = ItemHeader;
        response.Headers.LastModified = "Wed, 02 Dec 2026 15:00:00 GMT";
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = "application/octet-stream";
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(1).NextBytes(bytes);
        return bytes;
    }
}
