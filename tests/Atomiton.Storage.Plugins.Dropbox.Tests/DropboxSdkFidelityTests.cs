using System.Diagnostics;
using System.Text.Json;
using Atomiton.Storage.Emulators.Dropbox;

namespace Atomiton.Storage.Plugins.Dropbox.Tests;

/// <summary>
/// Fidelity: the official Dropbox JavaScript SDK (npm <c>dropbox</c> 10.34, node 20) drives the
/// emulator — refresh by query string, upload, list_folder with continue, get_metadata in other
/// case, download, an upload session, a stale offset (<c>incorrect_offset</c>), delete, a 409
/// <c>path/not_found</c> and a 429 with <c>retry_after</c> — and reads every answer as Dropbox's.
/// Skipped, saying so, when node or the SDK is missing (CI installs it: .ci/setup.d/40-npm-dropbox.sh).
/// </summary>
public sealed class DropboxSdkFidelityTests
{
    private static readonly string NpmFolder = FindNpmFolder();

    [SkippableFact]
    public async Task The_official_JavaScript_SDK_reads_the_emulator_as_Dropbox()
    {
        Skip.IfNot(Directory.Exists(Path.Combine(NpmFolder, "node_modules", "dropbox")),
            $"The npm package 'dropbox' is not installed in {NpmFolder}; run .ci/setup.d/40-npm-dropbox.sh (CI does).");
        await using var server = await DropboxServer.StartAsync();
        var (_, refresh) = server.IssueTokens();
        server.Faults.Add("users/get_space_usage", DropboxFaults.Kind.RateLimit, reason: "too_many_requests", retryAfterSeconds: 3);

        var steps = await RunAsync(server, refresh);

        Assert.Equal(1, server.OAuth.Refreshes);
        Assert.Equal("héllo.txt", steps["upload"].GetProperty("name").GetString());
        Assert.Equal(18, steps["upload"].GetProperty("size").GetInt32());
        Assert.Equal(StorageContentHash.Compute(StorageHashAlgorithms.Dropbox, "hello from the SDK"u8), steps["upload"].GetProperty("content_hash").GetString());
        Assert.Equal(["héllo.txt", "second.txt"], steps["list"].GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(2, steps["list"].GetProperty("pages").GetInt32());
        Assert.Equal("file", steps["metadata"].GetProperty("tag").GetString());
        Assert.Equal("/fidelity/héllo.txt", steps["metadata"].GetProperty("path_display").GetString());
        Assert.Equal("hello from the SDK", steps["download"].GetProperty("text").GetString());
        Assert.Equal(steps["upload"].GetProperty("rev").GetString(), steps["download"].GetProperty("rev").GetString());
        Assert.Equal((8 * 1024 * 1024) + 4, steps["session"].GetProperty("size").GetInt32());
        Assert.Equal(409, steps["stale-session"].GetProperty("status").GetInt32());
        Assert.Equal("not_found", steps["stale-session"].GetProperty("tag").GetString()); // finished sessions are gone
        Assert.Equal("second.txt", steps["delete"].GetProperty("name").GetString());
        Assert.Equal(409, steps["not_found"].GetProperty("status").GetInt32());
        Assert.Equal("path", steps["not_found"].GetProperty("tag").GetString());
        Assert.Equal("not_found", steps["not_found"].GetProperty("inner").GetString());
        Assert.Equal(429, steps["rate_limited"].GetProperty("status").GetInt32());
        Assert.Equal(3, steps["rate_limited"].GetProperty("retry_after").GetInt32());
        Assert.Equal("too_many_requests", steps["rate_limited"].GetProperty("reason").GetString());
        var seen = steps["requests"].GetProperty("seen").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.Contains("POST api.dropboxapi.com/oauth2/token", seen);
        Assert.Contains("POST content.dropboxapi.com/2/files/upload_session/append_v2", seen);
        Assert.Contains("POST api.dropboxapi.com/2/files/list_folder/continue", seen);
    }

    /// <summary>The test project's npm folder in the source tree (the SDK is installed there, not copied to the build output).</summary>
    private static string FindNpmFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "tests", "Atomiton.Storage.Plugins.Dropbox.Tests", "npm");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "npm");
    }

    private static async Task<Dictionary<string, JsonElement>> RunAsync(DropboxServer server, string refreshToken)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = NpmFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "scenario.mjs", server.ApiAddress.ToString(), server.ContentAddress.ToString(), server.AppKey, refreshToken },
        };
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await node.WaitForExitAsync(guard.Token);
        Assert.True(node.ExitCode == 0, $"node scenario.mjs failed ({node.ExitCode}): {await errors}\n{await output}");
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(e => e.GetProperty("step").GetString()!, e => e);
    }
}
