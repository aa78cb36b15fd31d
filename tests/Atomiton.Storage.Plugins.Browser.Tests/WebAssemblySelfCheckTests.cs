using System.Net;
using System.Text.Json;
using Atomiton.Storage.Samples.Flows.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PuppeteerSharp;
using Xunit.Abstractions;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// The flows sample (Blazor WebAssembly PWA, samples/) used as a person would, served by its own server
/// on loopback Kestrel: it lands on IndexedDB, shows the quota, keeps documents, and keeps working after
/// the server stops. Its /selfcheck page runs the byte and stream checks inside the WebAssembly runtime.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class SampleAppTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const int Patience = 180_000;

    [SkippableFact]
    public async Task The_flows_app_creates_lists_edits_and_deletes_documents_and_keeps_working_with_the_server_stopped()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var server = StartServer(out var address);
        await using var context = await browser.Browser.CreateBrowserContextAsync();
        var page = await context.NewPageAsync();
        page.DefaultTimeout = Patience;
        try
        {
            await page.GoToAsync(address.ToString());
            await page.WaitForFunctionAsync("() => document.querySelector('#engine')?.textContent.includes('indexeddb')");
            Assert.Contains("Quota:", await Text(page, "#quota"), StringComparison.Ordinal);

            await Edit(page, "first", "{\"steps\":[1]}");
            await Edit(page, "second", "{\"steps\":[2]}");
            await page.WaitForFunctionAsync("() => document.querySelector('#count')?.textContent === '2'");
            await page.ClickAsync(".delete[data-name='second']");
            await page.WaitForFunctionAsync("() => document.querySelector('#count')?.textContent === '1'");

            string screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", "flows-main-page.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            await page.ScreenshotAsync(screenshot);
            output.WriteLine($"Screenshot of the main page: {screenshot}");
            Assert.True(new FileInfo(screenshot).Length > 1000);

            // The service worker controls the page and holds every file it loaded.
            await page.WaitForFunctionAsync("() => navigator.serviceWorker.controller !== null && typeof window.flowsCacheLoaded === 'function'");
            await page.EvaluateFunctionAsync(@"() => new Promise(resolve => {
                navigator.serviceWorker.addEventListener('message', e => { if (e.data?.cached) resolve(e.data.cached); });
                window.flowsCacheLoaded();
            })");
        }
        finally
        {
            await server.DisposeAsync();
        }

        // The server is gone: the app still loads, edits and reads back.
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#engine')?.textContent.includes('indexeddb')");
        await page.WaitForFunctionAsync("() => document.querySelector('#count')?.textContent === '1'");
        await page.ClickAsync(".flow[data-name='first']");
        await page.WaitForFunctionAsync("() => document.querySelector('#body').value.includes('[1]')");
        await Edit(page, "first", "{\"steps\":[1,2,3]}");
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#count')?.textContent === '1'");
        await page.ClickAsync(".flow[data-name='first']");
        await page.WaitForFunctionAsync("() => document.querySelector('#body').value === '{\"steps\":[1,2,3]}'");
        Assert.Null(await page.QuerySelectorAsync("#error"));
    }

    [SkippableFact]
    public async Task In_WebAssembly_both_engines_round_trip_every_size_and_50_MiB_loads_in_bounded_memory()
    {
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        await using var server = StartServer(out var address);
        await using var context = await browser.Browser.CreateBrowserContextAsync();
        var page = await context.NewPageAsync();
        page.DefaultTimeout = Patience;
        await page.GoToAsync(new Uri(address, "selfcheck?run=checks").ToString());
        await page.WaitForFunctionAsync("() => document.querySelector('#result')?.textContent.length > 0", new WaitForFunctionOptions { Timeout = 300_000 });
        string json = await Text(page, "#result");
        output.WriteLine(json);
        using var report = JsonDocument.Parse(json);
        var root = report.RootElement;
        Assert.False(root.TryGetProperty("failure", out var failure), failure.ToString());
        Assert.Equal("browser-wasm", root.GetProperty("runtime").GetString());
        foreach (string engine in new[] { "indexeddb", "localstorage" })
        {
            var lines = root.GetProperty(engine).EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal([$"{engine}: 9 sizes checked"], lines);
        }

        var large = root.GetProperty("large");
        Assert.True(large.GetProperty("same").GetBoolean());
        Assert.Equal(50L * 1024 * 1024, large.GetProperty("loaded").GetInt64());
        Assert.True(large.GetProperty("saveRetainedHalfway").GetInt64() < 24L * 1024 * 1024, json);
        Assert.True(large.GetProperty("loadRetainedHalfway").GetInt64() < 24L * 1024 * 1024, json);
    }

    private static async Task Edit(IPage page, string name, string body)
    {
        await page.ClickAsync("#new");
        await page.TypeAsync("#name", name);
        await page.EvaluateFunctionAsync("(text) => { const b = document.querySelector('#body'); b.value = text; b.dispatchEvent(new Event('input', { bubbles: true })); }", body);
        await page.ClickAsync("#save");
        await page.WaitForFunctionAsync("name => [...document.querySelectorAll('.flow')].some(a => a.dataset.name === name)", name);
    }

    private static Task<string> Text(IPage page, string selector) => page.EvaluateFunctionAsync<string>("s => document.querySelector(s).textContent", selector);

    private static FlowsHost StartServer(out Uri address)
    {
        var server = new FlowsHost();
        server.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        server.StartServer();
        string first = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        address = new Uri(first + "/");
        return server;
    }

    private sealed class FlowsHost : WebApplicationFactory<FlowsServer>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseEnvironment("Development");
    }
}
