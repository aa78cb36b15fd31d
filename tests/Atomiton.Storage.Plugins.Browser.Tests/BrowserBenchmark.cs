using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Atomiton.Storage.Plugins.Browser.IndexedDb;
using Atomiton.Storage.Samples.Flows.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// The browser benchmark (docs/benchmarks.md, "Browser storage"): 1 KiB and 1 MiB save + load through the
/// indexeddb engine beside the same operation written directly in JavaScript in the same page, and listing
/// 10,000 keys, in Interactive Server and in WebAssembly. Not part of the test run: it measures, it does not
/// judge. Run it with ATOMITON_BROWSER_BENCHMARK=1 (the command is in docs/benchmarks.md); it writes
/// TestResults/browser-benchmark.json beside the test assembly.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class BrowserBenchmark(BrowserFixture browser)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly bool Enabled = Environment.GetEnvironmentVariable("ATOMITON_BROWSER_BENCHMARK") == "1";

    [SkippableFact]
    public async Task Measure_engine_beside_direct_JavaScript_in_both_render_modes()
    {
        Skip.IfNot(Enabled, "a benchmark, not a test: run it with ATOMITON_BROWSER_BENCHMARK=1 (docs/benchmarks.md)");
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var report = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["machine"] = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
            ["server"] = await MeasureServerAsync(),
            ["webassembly"] = await MeasureWebAssemblyAsync(),
        };
        string path = Path.Combine(AppContext.BaseDirectory, "TestResults", "browser-benchmark.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Indented));
    }

    private async Task<Dictionary<string, object?>> MeasureServerAsync()
    {
        var page = await browser.OpenAsync();
        try
        {
            return await MeasureServerAsync(page);
        }
        finally
        {
            await page.Page.CloseAsync();
        }
    }

    private static async Task<Dictionary<string, object?>> MeasureServerAsync(ProbePage page)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        await using var engine = new IndexedDbEngine(page.Runtime, new IndexedDbOptions { DatabaseName = "bench-" + Guid.NewGuid().ToString("N") });
        await using var module = await page.Runtime.InvokeAsync<IJSObjectReference>("import", "./_content/Atomiton.Storage.Plugins.Browser/atomiton-storage.js");
        foreach (var (label, size, iterations) in new[] { ("1KiB", 1024, 200), ("1MiB", 1024 * 1024, 20) })
        {
            byte[] content = new byte[size];
            new Random(1).NextBytes(content);
            await engine.SaveAsync("warm", content);
            await engine.LoadBytesAsync("warm");
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < iterations; i++)
            {
                await engine.SaveAsync($"bench/{i}", content);
                await engine.LoadBytesAsync($"bench/{i}");
            }

            result[$"engine{label}Ms"] = watch.Elapsed.TotalMilliseconds / iterations;
            string direct = "bench-direct-" + Guid.NewGuid().ToString("N");
            result[$"direct{label}Ms"] = await module.InvokeAsync<double>("directIdbRoundTrip", direct, content, iterations);
        }

        for (int i = 0; i < 10_000; i++)
        {
            await engine.SaveAsync($"many/{i:D5}", new byte[] { 1 });
        }

        foreach (bool keysOnly in new[] { false, true })
        {
            var watch = Stopwatch.StartNew();
            int listed = 0;
            await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "many/", KeysOnly = keysOnly }))
            {
                listed++;
            }

            Assert.Equal(10_000, listed);
            result[keysOnly ? "list10000KeysOnlyMs" : "list10000Ms"] = watch.Elapsed.TotalMilliseconds;
        }

        return result;
    }

    private async Task<JsonElement> MeasureWebAssemblyAsync()
    {
        await using var server = new FlowsHost();
        server.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        server.StartServer();
        var address = new Uri(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        await using var context = await browser.Browser.CreateBrowserContextAsync();
        var page = await context.NewPageAsync();
        page.DefaultTimeout = 600_000;
        await page.GoToAsync(new Uri(address, "selfcheck?run=bench").ToString());
        await page.WaitForFunctionAsync("() => document.querySelector('#result')?.textContent.length > 0", new PuppeteerSharp.WaitForFunctionOptions { Timeout = 600_000 });
        string json = await page.EvaluateFunctionAsync<string>("() => document.querySelector('#result').textContent");
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private sealed class FlowsHost : WebApplicationFactory<FlowsServer>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseEnvironment("Development");
    }
}
