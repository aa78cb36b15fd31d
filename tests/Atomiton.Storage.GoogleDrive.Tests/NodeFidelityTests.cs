using System.Diagnostics;
using System.Text.Json.Nodes;
using Atomiton.Storage.Emulators.GoogleDrive;

namespace Atomiton.Storage.GoogleDrive.Tests;

/// <summary>
/// The emulator follows Drive, not only this plugin: Google's official Node client
/// (<c>@googleapis/drive</c> 22.x, installed by <c>.ci/setup.d/40-npm-gdrive.sh</c>) runs a scenario
/// against it — multipart creates (sent chunked), paged listing with <c>q</c> and <c>fields</c>,
/// metadata with <c>fields</c>, a ranged download, a media update (PATCH), a delete, a 404 and a 429.
/// </summary>
public sealed class NodeFidelityTests
{
    private static readonly string ScenarioDirectory = Path.Combine(AppContext.BaseDirectory, "Fidelity");

    [SkippableFact]
    public async Task The_official_node_client_runs_its_scenario_against_the_emulator()
    {
        string modules = Path.Combine(SourceFidelityDirectory(), "node_modules", "@googleapis", "drive");
        Skip.IfNot(Directory.Exists(modules), $"@googleapis/drive is not installed ({modules} is missing); run .ci/setup.d/40-npm-gdrive.sh (CI runs it).");
        Skip.If(FindNode() is null, "node is not on PATH; install node 20 (CI has it).");

        await using var environment = await DriveTestEnvironment.StartAsync();
        var stored = await environment.Credentials.ReadAsync("google-oauth");
        string refreshToken = JsonNode.Parse(stored!.Value)!["refresh_token"]!.GetValue<string>();
        environment.Drive.Faults.Add(new DriveFault(DriveFaultKind.TooManyRequests, DriveFaultTarget.Metadata, Count: 50) { PathContains = "throttled-file" });

        var (exit, output, errors) = await RunNodeAsync(
            Path.Combine(SourceFidelityDirectory(), "drive-scenario.mjs"),
            environment.Drive.Address.ToString(), environment.Emulator.Authority.TokenEndpoint.ToString(), GoogleDriveEmulator.ClientId, GoogleDriveEmulator.ClientSecret, refreshToken);
        Assert.True(exit == 0, $"the scenario failed ({exit}): {errors}\n{output}");

        var steps = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        JsonObject Step(string name) => steps.Single(s => s["step"]!.GetValue<string>() == name);
        var creates = steps.Where(s => s["step"]!.GetValue<string>() == "create").ToList();
        Assert.Equal(3, creates.Count);
        Assert.All(creates, c => Assert.Equal(200, c["status"]!.GetValue<int>()));
        Assert.Equal("text/plain", creates[0]["mimeType"]!.GetValue<string>());
        Assert.Equal(StorageContentHash.Compute(StorageHashAlgorithms.Md5, "content of fidelity-a.txt"u8), creates[0]["md5"]!.GetValue<string>());

        var list = Step("list");
        Assert.Equal(2, list["pages"]!.GetValue<int>());
        Assert.Equal(["fidelity-a.txt", "fidelity-b.txt", "fidelity-c.txt"], list["names"]!.AsArray().Select(n => n!.GetValue<string>()));

        var get = Step("get");
        Assert.Equal(["appProperties", "id", "name", "parents", "sha256Checksum", "size"], get["keys"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("node", get["origin"]!.GetValue<string>());

        var range = Step("range");
        Assert.Equal(206, range["status"]!.GetValue<int>());
        Assert.Equal("content", range["body"]!.GetValue<string>());
        Assert.Equal("bytes 0-6/25", range["contentRange"]!.GetValue<string>());

        var update = Step("update");
        Assert.Equal("updated by node", update["body"]!.GetValue<string>());
        Assert.Equal(204, Step("delete")["status"]!.GetValue<int>());
        Assert.Equal((404, "notFound"), (Step("notFound")["status"]!.GetValue<int>(), Step("notFound")["reason"]!.GetValue<string>()));
        Assert.Equal((429, "rateLimitExceeded"), (Step("throttled")["status"]!.GetValue<int>(), Step("throttled")["reason"]!.GetValue<string>()));
        Assert.Equal("user@example.test", Step("about")["email"]!.GetValue<string>());

        // What the Node client sends that the plugin does not: multipart creates and media updates (PATCH ?uploadType=media).
        var requests = environment.Drive.Requests.All;
        Assert.Equal(3, requests.Count(r => r.Method == "POST" && r.PathAndQuery.StartsWith("/upload/drive/v3/files?", StringComparison.Ordinal) && r.PathAndQuery.Contains("uploadType=multipart", StringComparison.Ordinal) && r.Status == 200));
        Assert.Contains(requests, r => r.Method == "PATCH" && r.PathAndQuery.Contains("uploadType=media", StringComparison.Ordinal) && r.Status == 200);
        Assert.Equal(["fidelity-a.txt", "fidelity-b.txt"], environment.Drive.FileNames());
    }

    /// <summary>The Fidelity folder of the source tree (node_modules is installed there, not copied to the output).</summary>
    private static string SourceFidelityDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "tests", "Atomiton.Storage.GoogleDrive.Tests", "Fidelity");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return ScenarioDirectory;
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
