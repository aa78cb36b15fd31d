using System.Diagnostics;
using System.Text.Json;
using Atomiton.Storage.Plugins.Browser;
using Atomiton.Storage.Plugins.Browser.IndexedDb;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Samples.Flows;

/// <summary>
/// The browser benchmark's steps (docs/benchmarks.md, "Browser storage"), one source for both render modes:
/// the WebAssembly run calls it in the page (/selfcheck?run=bench), the Interactive Server run in the test
/// process with the circuit's <see cref="IJSRuntime"/> (the test project compiles this file in). 1 KiB and
/// 1 MiB saves and loads through the <c>indexeddb</c> engine beside the same put and get written directly in
/// JavaScript in the same page (<c>directIdbRoundTrip</c>), each after a warm-up; then listing 10,000 keys.
/// Figures in milliseconds per operation. While the engine is timed, the module counts the calls made into it
/// and the time spent inside it (<c>interopProfile</c>): <c>calls.&lt;function&gt;</c> per save + load, and
/// <c>moduleMs</c>, the module's own milliseconds per save + load, so engine minus module is .NET and interop.
/// </summary>
internal static class EngineBenchmark
{
    private static readonly (string Label, int Size, int WarmUp, int Iterations)[] Sizes =
    [
        ("1KiB", 1024, 10, 100),
        ("1MiB", 1024 * 1024, 3, 10),
    ];

    public const int ListedKeys = 10_000;

    private const int SetupParallelism = 16;

    private const int Rounds = 3;

    /// <param name="js">The page's JS runtime (in Blazor Server, the circuit's).</param>
    /// <param name="transport">Blazor Server: the HTTP transport for large content, or null to move it through the circuit.</param>
    /// <param name="listing">Whether to write and list the 10,000 keys as well.</param>
    public static async Task<Dictionary<string, object?>> RunAsync(IJSRuntime js, IBrowserContentTransport? transport = null, bool listing = true)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        string run = Guid.NewGuid().ToString("N");
        await using var engine = new IndexedDbEngine(js, new IndexedDbOptions { DatabaseName = "bench-" + run }, transport: transport);
        var module = await js.InvokeAsync<IJSObjectReference>("import", "./_content/Atomiton.Storage.Plugins.Browser/atomiton-storage.js");
        try
        {
            // Three rounds, each engine then direct JS then the engine's JS half alone, so the spread shows.
            foreach (var (label, size, warmUp, iterations) in Sizes)
            {
                byte[] content = new byte[size];
                new Random(1).NextBytes(content);
                var rounds = new List<Dictionary<string, double>>();
                for (int round = 0; round < Rounds; round++)
                {
                    await TimeEngineAsync(engine, $"{label}-warm{round}", content, warmUp);
                    await module.InvokeAsync<JsonElement>("interopProfile", true);
                    var (save, load) = await TimeEngineAsync(engine, $"{label}-{round}", content, iterations);
                    var profile = await module.InvokeAsync<JsonElement>("interopProfile", false);
                    await module.InvokeAsync<double[]>("directIdbRoundTrip", $"bench-direct-warm-{run}-{label}-{round}", content, warmUp);
                    double[] direct = await module.InvokeAsync<double[]>("directIdbRoundTrip", $"bench-direct-{run}-{label}-{round}", content, iterations);
                    await module.InvokeAsync<double[]>("engineJsRoundTrip", $"bench-enginejs-warm-{run}-{label}-{round}", content, warmUp);
                    double[] engineJs = await module.InvokeAsync<double[]>("engineJsRoundTrip", $"bench-enginejs-{run}-{label}-{round}", content, iterations);
                    var figures = new Dictionary<string, double>(StringComparer.Ordinal)
                    {
                        ["engineSaveMs"] = save,
                        ["engineLoadMs"] = load,
                        ["directSaveMs"] = direct[0],
                        ["directLoadMs"] = direct[1],
                        ["engineJsSaveMs"] = engineJs[0],
                        ["engineJsLoadMs"] = engineJs[1],
                        ["engineOverDirect"] = (save + load) / (direct[0] + direct[1]),
                        ["moduleMs"] = profile.GetProperty("ms").EnumerateObject().Sum(p => p.Value.GetDouble()) / iterations,
                    };
                    foreach (var call in profile.GetProperty("calls").EnumerateObject())
                    {
                        figures["calls." + call.Name] = call.Value.GetDouble() / iterations;
                    }

                    rounds.Add(figures);
                }

                result[$"rounds{label}"] = rounds;
                result[$"iterations{label}"] = iterations;
            }

            result["httpTransport"] = engine.UsesHttpTransport;
            if (!listing)
            {
                return result;
            }

            // Setup, not a figure: the keys are written 16 at a time (one by one took 15-25 minutes on a loaded machine).
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < ListedKeys; i += SetupParallelism)
            {
                await Task.WhenAll(Enumerable.Range(i, Math.Min(SetupParallelism, ListedKeys - i))
                    .Select(n => engine.SaveAsync($"many/{n:D5}", new byte[] { 1 }).AsTask()));
            }

            result["save10000SmallMs"] = watch.Elapsed.TotalMilliseconds;
            // Each listing is timed three times, beside its peer: the same database listed directly in JavaScript
            // (directIdbList: one getAll over the prefix), and the module's own time inside the engine's listing.
            foreach (bool keysOnly in new[] { false, true })
            {
                string label = keysOnly ? "list10000KeysOnly" : "list10000";
                var rounds = new List<Dictionary<string, double>>();
                for (int round = 0; round < Rounds; round++)
                {
                    await module.InvokeAsync<JsonElement>("interopProfile", true);
                    watch.Restart();
                    int listed = 0;
                    await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "many/", KeysOnly = keysOnly }))
                    {
                        listed++;
                    }

                    double engineMs = watch.Elapsed.TotalMilliseconds;
                    var profile = await module.InvokeAsync<JsonElement>("interopProfile", false);
                    double[] direct = await module.InvokeAsync<double[]>("directIdbList", "bench-" + run, "many/", keysOnly);
                    var figures = new Dictionary<string, double>(StringComparer.Ordinal)
                    {
                        ["engineMs"] = engineMs,
                        ["listed"] = listed,
                        ["moduleMs"] = profile.GetProperty("ms").EnumerateObject().Sum(p => p.Value.GetDouble()),
                        ["directMs"] = direct[1],
                        ["directListed"] = direct[0],
                        ["engineOverDirect"] = engineMs / direct[1],
                    };
                    foreach (var call in profile.GetProperty("calls").EnumerateObject())
                    {
                        figures["calls." + call.Name] = call.Value.GetDouble();
                    }

                    rounds.Add(figures);
                }

                result[label + "Rounds"] = rounds;
                result[label + "Ms"] = Median(rounds.Select(r => r["engineMs"]));
                result[keysOnly ? "listedKeysOnly" : "listed"] = (int)rounds[0]["listed"];
            }
        }
        finally
        {
            // The databases go with the benchmark's browser context.
            await module.DisposeAsync();
        }

        return result;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Saves then loads <paramref name="iterations"/> keys; milliseconds per save and per load.</summary>
    private static async Task<(double Save, double Load)> TimeEngineAsync(IStorageEngine engine, string prefix, byte[] content, int iterations)
    {
        var saving = TimeSpan.Zero;
        var loading = TimeSpan.Zero;
        for (int i = 0; i < iterations; i++)
        {
            long started = Stopwatch.GetTimestamp();
            await engine.SaveAsync($"bench/{prefix}/{i}", content);
            long saved = Stopwatch.GetTimestamp();
            byte[] loaded = await engine.LoadBytesAsync($"bench/{prefix}/{i}");
            loading += Stopwatch.GetElapsedTime(saved);
            saving += Stopwatch.GetElapsedTime(started, saved);
            if (loaded.Length != content.Length)
            {
                throw new InvalidOperationException($"bench/{prefix}/{i}: loaded {loaded.Length} bytes of {content.Length}.");
            }
        }

        return (saving.TotalMilliseconds / iterations, loading.TotalMilliseconds / iterations);
    }
}
