using System.Net;
using System.Text.Json;
using Atomiton.Storage.Plugins.Browser.TestHost;
using Atomiton.Storage.Samples.Flows.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using PuppeteerSharp;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// One test host (Interactive Server, on a loopback Kestrel port in this process) and one headless
/// system Chromium for every browser test class: starting them costs seconds, so it happens once.
/// Tests isolate themselves by database name, localStorage namespace or browser context.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>The flags that work headless as root on the project's machines (../shared/designs/browser-testing.md).</summary>
    public static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
    ];

    /// <summary>Why browser tests skip when Chromium is missing, and what to run.</summary>
    public const string MissingChromium =
        "No Chromium found (looked at $ATOMITON_CHROMIUM, /usr/bin/chromium, /usr/bin/chromium-browser). Install it with `bash .ci/setup.d/20-chromium.sh` (apt-get install -y chromium); CI does.";

    // A hang guard, not an expectation: under CI load one evaluation in a busy WebAssembly page once took over 3 minutes.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);
    private HostFactory? _host;
    private IBrowser? _browser;
    private ProbePage? _shared;
    private readonly SemaphoreSlim _sharedGate = new(1, 1);
    private readonly SemaphoreSlim _flowsGate = new(1, 1);
    private WebApplicationFactory<FlowsServer>? _flows;
    private Uri? _flowsAddress;
    private readonly object _selfCheckGate = new();
    private Task<JsonElement>? _selfCheck;

    /// <summary>The system Chromium, or null when there is none.</summary>
    public static string? ChromiumPath { get; } =
        new[] { Environment.GetEnvironmentVariable("ATOMITON_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(path => !string.IsNullOrEmpty(path) && File.Exists(path));

    /// <summary>The test host's address (http://127.0.0.1:port/).</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The test host's HTTP transport for large content (mapped at its default path).</summary>
    public IBrowserContentTransport Transport => _host!.Services.GetRequiredService<IBrowserContentTransport>();

    /// <summary>The test host's services.</summary>
    public IServiceProvider HostServices => _host!.Services;

    /// <summary>The shared browser.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("No browser: skip the test when ChromiumPath is null.");

    public async Task InitializeAsync()
    {
        if (ChromiumPath is null)
        {
            return;
        }

        _host = new HostFactory();
        _host.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _host.StartServer();
        var addresses = _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");
        _browser = await LaunchAsync(userDataDir: null);
    }

    /// <summary>Starts the system Chromium headless (with a profile folder when persistence matters).</summary>
    public static Task<IBrowser> LaunchAsync(string? userDataDir) =>
        Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            UserDataDir = userDataDir,
            Timeout = (int)Patience.TotalMilliseconds,
            ProtocolTimeout = (int)Patience.TotalMilliseconds,
        });

    /// <summary>Opens the probe page in <paramref name="context"/> (default: the browser's default context) and returns it with its circuit's IJSRuntime.</summary>
    public async Task<ProbePage> OpenAsync(IBrowserContext? context = null, IBrowser? browser = null)
    {
        var page = context is not null ? await context.NewPageAsync() : await (browser ?? Browser).NewPageAsync();
        return await ProbeAsync(page);
    }

    /// <summary>Navigates <paramref name="page"/> (again) to the probe page and waits for its circuit.</summary>
    public async Task<ProbePage> ProbeAsync(IPage page)
    {
        string id = Guid.NewGuid().ToString("N");
        page.DefaultTimeout = (int)Patience.TotalMilliseconds;
        await page.GoToAsync(new Uri(BaseAddress, "probe?id=" + id).ToString());
        await page.WaitForSelectorAsync("#ready");
        using var timeout = new CancellationTokenSource(Patience);
        var runtime = await _host!.Services.GetRequiredService<CircuitRegistry>().WaitAsync(id, timeout.Token);
        return new ProbePage(page, runtime);
    }

    /// <summary>One page shared by the conformance cases of a class (each case uses its own database or namespace).</summary>
    public async Task<ProbePage> SharedPageAsync()
    {
        await _sharedGate.WaitAsync();
        try
        {
            return _shared ??= await OpenAsync();
        }
        finally
        {
            _sharedGate.Release();
        }
    }

    /// <summary>The flows sample's server (its WebAssembly app and /selfcheck page), started on first use and shared.</summary>
    public async Task<Uri> FlowsAddressAsync()
    {
        await _flowsGate.WaitAsync();
        try
        {
            if (_flowsAddress is null)
            {
                _flows = StartFlowsServer(out var address);
                _flowsAddress = address;
            }

            return _flowsAddress;
        }
        finally
        {
            _flowsGate.Release();
        }
    }

    /// <summary>
    /// The report of the sample's /selfcheck?run=checks page (round trips of every size through both engines and a
    /// 50 MiB object, inside the WebAssembly runtime), run once for every test that reads it: WebAssembly starts once.
    /// </summary>
    public Task<JsonElement> WebAssemblySelfCheckAsync()
    {
        lock (_selfCheckGate)
        {
            return _selfCheck ??= RunSelfCheckAsync("checks", TimeSpan.FromMinutes(10), WebCryptoInterop.DesktopSealedAsync);
        }
    }

    /// <summary>Opens /selfcheck?run=<paramref name="run"/> of the flows sample in a fresh context and returns its JSON report.</summary>
    /// <param name="run">What the page runs (checks, bench).</param>
    /// <param name="patience">A hang guard.</param>
    /// <param name="interopInput">An object sealed by .NET for the page's interop check, left in its sessionStorage before it loads; null for none.</param>
    public async Task<JsonElement> RunSelfCheckAsync(string run, TimeSpan patience, Func<Task<byte[]>>? interopInput = null)
    {
        var address = await FlowsAddressAsync();
        await using var context = await Browser.CreateBrowserContextAsync();
        var page = await context.NewPageAsync();
        page.DefaultTimeout = (int)patience.TotalMilliseconds;
        if (interopInput is not null)
        {
            string sealedObject = Convert.ToBase64String(await interopInput());
            await page.EvaluateExpressionOnNewDocumentAsync($"sessionStorage.setItem('{WebCryptoInterop.InputItem}', '{sealedObject}')");
        }

        await page.GoToAsync(new Uri(address, "selfcheck?run=" + run).ToString());

        // One wait may not outlast the DevTools protocol's timeout (Patience, 10 minutes): wait in rounds shorter
        // than that until the page answers or the patience is spent.
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                await page.WaitForFunctionAsync("() => document.querySelector('#result')?.textContent.length > 0", new WaitForFunctionOptions { Timeout = (int)TimeSpan.FromMinutes(2).TotalMilliseconds });
                break;
            }
            catch (WaitTaskTimeoutException) when (DateTime.UtcNow < deadline)
            {
                // Not yet: the page is still working.
            }
        }

        string json = await page.EvaluateFunctionAsync<string>("() => document.querySelector('#result').textContent");
        using var report = JsonDocument.Parse(json);
        return report.RootElement.Clone();
    }

    /// <summary>Starts a flows sample server on a free loopback port; the caller disposes it.</summary>
    private static WebApplicationFactory<FlowsServer> StartFlowsServer(out Uri address)
    {
        var server = new FlowsHost();
        server.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        server.StartServer();
        address = new Uri(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return server;
    }

    public async Task DisposeAsync()
    {
        if (_flows is not null)
        {
            await _flows.DisposeAsync();
        }

        _flowsGate.Dispose();
        if (_browser is not null)
        {
            await _browser.CloseAsync();
            _browser.Dispose();
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _sharedGate.Dispose();
    }

    private sealed class HostFactory : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseEnvironment("Development");
    }

    private sealed class FlowsHost : WebApplicationFactory<FlowsServer>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseEnvironment("Development");
    }
}

/// <summary>A page of the test host and its circuit's IJSRuntime (what the engines talk through).</summary>
public sealed record ProbePage(IPage Page, IJSRuntime Runtime);

/// <summary>Every browser test class shares one test host and one Chromium, and runs alone (2-core machines).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTests : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
