using System.Text.Json;
using Atomiton.Storage.Samples.Flows;

namespace Atomiton.Storage.Plugins.Browser.Tests;

/// <summary>
/// The browser benchmark (docs/benchmarks.md, "Browser storage"): 1 KiB and 1 MiB save and load through the
/// indexeddb engine beside the same operation written directly in JavaScript in the same page, and listing
/// 10,000 keys, in Interactive Server (here, with the circuit's IJSRuntime) and in WebAssembly (the flows
/// sample's /selfcheck?run=bench page) — the same steps (samples/…/EngineBenchmark.cs) in both. Not part of the
/// test run: it measures, it does not judge. Run it with ATOMITON_BROWSER_BENCHMARK=1 (the command is in
/// docs/benchmarks.md); it writes TestResults/browser-benchmark.json beside the test assembly.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class BrowserBenchmark(BrowserFixture browser)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly bool Enabled = Environment.GetEnvironmentVariable("ATOMITON_BROWSER_BENCHMARK") == "1";

    // Hang guards, not verdicts: 10,000 saves through WebAssembly on a loaded 2-core machine take minutes.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(30);

    [SkippableFact]
    public async Task Measure_engine_beside_direct_JavaScript_in_both_render_modes()
    {
        Skip.IfNot(Enabled, "a benchmark, not a test: run it with ATOMITON_BROWSER_BENCHMARK=1 (docs/benchmarks.md)");
        Skip.If(BrowserFixture.ChromiumPath is null, BrowserFixture.MissingChromium);
        var report = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["machine"] = Machine(),
            ["chromium"] = await browser.Browser.GetVersionAsync(),
            ["loadAverageAtStart"] = LoadAverage(),
        };

        // Each mode in its own browser context, the WebAssembly one after the Server one (never side by side).
        var page = await browser.OpenAsync(await browser.Browser.CreateBrowserContextAsync());
        try
        {
            report["server"] = await EngineBenchmark.RunAsync(page.Runtime);
            report["serverHttpTransport"] = await EngineBenchmark.RunAsync(page.Runtime, browser.Transport, listing: false);
        }
        finally
        {
            await page.Page.BrowserContext.CloseAsync();
        }

        var webAssembly = await browser.RunSelfCheckAsync("bench", Patience);
        Assert.False(webAssembly.TryGetProperty("failure", out var failure), failure.ToString());
        report["webassembly"] = webAssembly.GetProperty("bench");
        report["loadAverageAtEnd"] = LoadAverage();

        string path = Path.Combine(AppContext.BaseDirectory, "TestResults", "browser-benchmark.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Indented));
    }

    private static string Machine()
    {
        string? model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{model ?? "unknown CPU"}, {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}";
    }

    private static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
}
