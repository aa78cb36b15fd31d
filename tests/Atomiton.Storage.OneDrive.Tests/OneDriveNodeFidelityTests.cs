using System.Diagnostics;
using System.Text.Json.Nodes;
using Atomiton.Storage.Emulators.OneDrive;
using Xunit.Abstractions;

namespace Atomiton.Storage.OneDrive.Tests;

/// <summary>
/// The emulator follows Graph, not only this plugin: Microsoft's official JavaScript client
/// (<c>@microsoft/microsoft-graph-client</c> 3.0.7, installed by <c>.ci/setup.d/40-npm-graph.sh</c>) runs
/// <c>Fidelity/graph-scenario.mjs</c> against it — puts by path (percent-encoded), its
/// <c>OneDriveLargeFileUploadTask</c> through an upload session, children paged by <c>@odata.nextLink</c>,
/// an item by path, a ranged download through the <c>/content</c> 302, <c>delta</c> through its
/// <c>PageIterator</c> and a delta continuation, a delete, a 404 and 429s with <c>Retry-After</c>
/// (one its retry handler waits out, one surfaced).
/// </summary>
public sealed class OneDriveNodeFidelityTests(ITestOutputHelper log)
{
    [SkippableFact]
    public async Task The_official_javascript_client_runs_its_scenario_against_the_emulator()
    {
        string scenario = SourceFidelityDirectory();
        string package = Path.Combine(scenario, "node_modules", "@microsoft", "microsoft-graph-client", "package.json");
        Skip.IfNot(File.Exists(package), $"@microsoft/microsoft-graph-client is not installed ({package} is missing); run .ci/setup.d/40-npm-graph.sh (CI runs it).");
        Skip.If(FindNode() is null, "node is not on PATH; install node 20 (CI has it).");

        await using var server = await OneDriveEmulatorFixture.StartAsync();
        server.AddFault(GraphDriveFault.Throttle(r => r.Method == "GET" && r.Target.Contains("b%20%232.txt", StringComparison.Ordinal), retryAfterSeconds: 1));
        server.AddFault(GraphDriveFault.Throttle(r => r.Target.Contains("throttled.txt", StringComparison.Ordinal), retryAfterSeconds: 7));

        var (exit, output, errors) = await RunNodeAsync(Path.Combine(scenario, "graph-scenario.mjs"), server.GraphBaseUrl.ToString(), OneDriveEmulatorFixture.Token);
        log.WriteLine(output);
        Assert.True(exit == 0, $"the scenario failed ({exit}): {errors}\n{output}");

        var steps = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        JsonObject Step(string name) => steps.Single(s => s["step"]!.GetValue<string>() == name);
        static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];

        Assert.Equal(server.DriveId, Step("drive")["id"]!.GetValue<string>());
        var puts = steps.Where(s => s["step"]!.GetValue<string>() == "put").ToList();
        Assert.Equal(["a.txt", "b #2.txt", "c.txt"], puts.Select(p => p["name"]!.GetValue<string>()));
        Assert.All(puts, p => Assert.Equal(201, p["status"]!.GetValue<int>()));
        Assert.Equal(StorageContentHash.Compute(StorageHashAlgorithms.QuickXor, "content of a.txt"u8), puts[0]["quickXorHash"]!.GetValue<string>());
        Assert.Equal("/drive/root:/Apps/Atomiton Emulator/fidelity", puts[0]["parentPath"]!.GetValue<string>());

        var largeUpload = Step("largeUpload");
        Assert.Equal(new Uri(server.ContentBase.ToString()).Authority, largeUpload["uploadHost"]!.GetValue<string>());
        Assert.Equal(1024 * 1024 + 1000, largeUpload["size"]!.GetValue<long>());
        Assert.Equal(largeUpload["expected"]!.GetValue<string>(), largeUpload["sha256"]!.GetValue<string>());
        Assert.Equal(4, largeUpload["fragments"]!.AsArray().Count);

        var list = Step("list");
        Assert.Equal(2, list["pages"]!.GetValue<int>());
        Assert.Equal(["a.txt", "b #2.txt", "c.txt", "large.bin"], Strings(list["names"]));

        var get = Step("get");
        Assert.Equal(16, get["size"]!.GetValue<long>());
        Assert.Equal(new Uri(server.ContentBase.ToString()).Authority, get["downloadHost"]!.GetValue<string>());
        Assert.Contains("@microsoft.graph.downloadUrl", Strings(get["keys"]));

        var range = Step("range");
        Assert.Equal((206, "content", "bytes 0-6/16"), (range["status"]!.GetValue<int>(), range["body"]!.GetValue<string>(), range["contentRange"]!.GetValue<string>()));
        Assert.Equal(new Uri(server.ContentBase.ToString()).Authority, range["host"]!.GetValue<string>());
        Assert.Equal(largeUpload["expected"]!.GetValue<string>(), Step("download")["sha256"]!.GetValue<string>());

        var delta = Step("delta");
        Assert.True(delta["hasDeltaLink"]!.GetValue<bool>());
        Assert.Superset(new HashSet<string>(["fidelity", "a.txt", "b #2.txt", "c.txt", "large.bin"]), new HashSet<string>(Strings(delta["names"])));
        Assert.Equal(204, Step("delete")["status"]!.GetValue<int>());
        var continued = Step("deltaContinued");
        Assert.Equal(["a.txt"], Strings(continued["changed"]));
        Assert.Equal(["c.txt"], Strings(continued["deleted"]));
        Assert.True(continued["hasDeltaLink"]!.GetValue<bool>());

        var notFound = Step("notFound");
        Assert.Equal((404, "itemNotFound"), (notFound["status"]!.GetValue<int>(), notFound["code"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(notFound["requestId"]?.GetValue<string>()), "Graph's error carries innerError.request-id");

        var retried = Step("throttledThenServed");
        Assert.Equal("b #2.txt", retried["name"]!.GetValue<string>());
        Assert.True(retried["waitedMs"]!.GetValue<long>() >= 900, $"the client's retry handler honours Retry-After: 1 (waited {retried["waitedMs"]} ms)");
        var throttled = Step("throttled");
        Assert.Equal((429, "activityLimitReached", "7"), (throttled["status"]!.GetValue<int>(), throttled["code"]!.GetValue<string>(), throttled["retryAfter"]!.GetValue<string>()));

        // What went over the wire: the token only to the API host; the paging, delta and download addresses followed as the emulator wrote them.
        var requests = server.Requests;
        Assert.All(requests.Where(r => !r.IsContentHost), r => Assert.True(r.HadAuthorization, $"{r.Method} {r.Target} came without a token"));
        Assert.All(requests.Where(r => r.IsContentHost), r => Assert.False(r.HadAuthorization, $"{r.Method} {r.Target} to the content host came with the token"));
        Assert.Equal(4, requests.Count(r => r.IsContentHost && r.Method == "PUT" && r.Target.StartsWith("/upload/", StringComparison.Ordinal)));
        Assert.Equal([429, 200], requests.Where(r => r.Method == "GET" && r.Target.Contains("b%20%232.txt", StringComparison.Ordinal)).Select(r => r.Status));
        Assert.Contains(requests, r => r.Method == "GET" && r.Target.Contains("/content", StringComparison.Ordinal) && r.Status == 302);
        Assert.Contains(requests, r => r.Method == "GET" && r.Target.Contains("$skiptoken=", StringComparison.Ordinal) && r.Status == 200);
    }

    /// <summary>The Fidelity folder of the source tree (node_modules is installed there, not copied to the output).</summary>
    private static string SourceFidelityDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "tests", "Atomiton.Storage.OneDrive.Tests", "Fidelity");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "Fidelity");
    }

    private static string? FindNode() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, "node"))
            .FirstOrDefault(File.Exists);

    private static async Task<(int Exit, string Output, string Errors)> RunNodeAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(script)! };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The node scenario did not finish within 3 minutes.");
        }

        return (process.ExitCode, await output, await errors);
    }
}
