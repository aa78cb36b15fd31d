using System.Text;
using System.Text.RegularExpressions;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.InProcess;

/// <summary>
/// <c>sync</c> in the test process between the sandbox's <c>local</c> and <c>archive</c> folders: the
/// commands of docs/cli.md's sync section run verbatim, the exit codes that tell "a human must look"
/// from success, and usage errors.
/// </summary>
public sealed partial class SyncInProcessTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task The_documented_sync_commands_run_verbatim()
    {
        await SeedAsync("local", ("notes/a.txt", "alpha"), ("flows/flow-123.json", "{}"));
        await SeedAsync("archive", ("notes/b.txt", "beta"));
        var commands = DocumentedCommands();
        Assert.True(commands.Count >= 6, "docs/cli.md's sync section lost its command block");
        foreach (var command in commands)
        {
            var result = await _sandbox.Cli.RunAsync(command);
            Assert.True(result.ExitCode == 0, $"'{string.Join(' ', command)}' exited {result.ExitCode}: {result}");
        }

        Assert.True(File.Exists(_sandbox.PathOf(".atomiton-sync/local--archive.db")));
        Assert.Contains("notes/a.txt", await KeysAsync("archive"));
        Assert.Contains("notes/b.txt", await KeysAsync("local"));
    }

    [Fact]
    public async Task A_dry_run_prints_reasons_and_totals_and_changes_nothing()
    {
        await SeedAsync("local", ("a", "1"));
        var result = await _sandbox.Cli.RunAsync("sync", "local", "archive", "--dry-run");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(result.OutputLines, line => line.Contains("Copy", StringComparison.Ordinal) && line.Contains("A created, B absent → copy A→B", StringComparison.Ordinal));
        Assert.Contains(result.OutputLines, line => line.Contains("1 A->B", StringComparison.Ordinal));
        Assert.Empty(await KeysAsync("archive"));
    }

    [Fact]
    public async Task A_tripped_safety_valve_exits_9_and_names_the_override()
    {
        await SeedAsync("local", [.. Enumerable.Range(0, 20).Select(i => ($"k{i:00}", $"v{i}"))]);
        Assert.Equal(0, (await _sandbox.Cli.RunAsync("sync", "local", "archive")).ExitCode);
        var (host, engine) = await _sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            for (int i = 0; i < 15; i++)
            {
                await engine.DeleteAsync($"k{i:00}");
            }
        }

        var result = await _sandbox.Cli.RunAsync("sync", "local", "archive");
        Assert.Equal(9, result.ExitCode);
        Assert.Contains("MaxDelete", result.Error, StringComparison.Ordinal);
        Assert.Contains("--force", result.Error, StringComparison.Ordinal);
        Assert.Equal(20, (await KeysAsync("archive")).Count);
        Assert.Equal(0, (await _sandbox.Cli.RunAsync("sync", "local", "archive", "--force")).ExitCode);
        Assert.Equal(5, (await KeysAsync("archive")).Count(key => !key.StartsWith(".atomiton-sync/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Usage_errors_exit_2_and_status_without_state_exits_3()
    {
        Assert.Equal(2, (await _sandbox.Cli.RunAsync("sync", "local", "local")).ExitCode);
        Assert.Equal(2, (await _sandbox.Cli.RunAsync("sync", "local", "archive", "--conflict", "loudest")).ExitCode);
        Assert.Equal(2, (await _sandbox.Cli.RunAsync("sync", "local", "archive", "--max-delete", "lots")).ExitCode);
        var parallel = await _sandbox.Cli.RunAsync("sync", "local", "archive", "--parallel", "0");
        Assert.Equal(2, parallel.ExitCode);
        Assert.Contains("--parallel 0", parallel.Error, StringComparison.Ordinal);
        Assert.Contains("1 to 64", parallel.Error, StringComparison.Ordinal);
        var wait = await _sandbox.Cli.RunAsync("sync", "local", "archive", "--wait", "soon");
        Assert.Equal(2, wait.ExitCode);
        Assert.Contains("--wait 'soon'", wait.Error, StringComparison.Ordinal);
        Assert.Contains("30s, 10m, 2h", wait.Error, StringComparison.Ordinal);
        Assert.Equal(3, (await _sandbox.Cli.RunAsync("sync", "status", "local", "archive")).ExitCode);
    }

    private static List<string[]> DocumentedCommands()
    {
        string docs = File.ReadAllText(Path.Combine(BuildPaths.RepositoryRoot, "docs", "cli.md"));
        int section = docs.IndexOf("### `sync <pipelineA> <pipelineB>`", StringComparison.Ordinal);
        Assert.True(section >= 0, "docs/cli.md has no sync section");
        var block = CodeBlock().Match(docs, section);
        return [.. block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(words => { Assert.Equal("atomiton-storage", words[0]); return words[1..]; })];
    }


    [GeneratedRegex("```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    private async Task SeedAsync(string pipeline, params (string Key, string Content)[] objects)
    {
        var (host, engine) = await _sandbox.OpenAsync(pipeline);
        using (host)
        await using (engine)
        {
            foreach (var (key, content) in objects)
            {
                await engine.SaveAsync(key, Encoding.UTF8.GetBytes(content));
            }
        }
    }

    private async Task<List<string>> KeysAsync(string pipeline)
    {
        var keys = new List<string>();
        var (host, engine) = await _sandbox.OpenAsync(pipeline);
        using (host)
        await using (engine)
        {
            await foreach (var entry in engine.ListAsync(new ListOptions { Recursive = true }))
            {
                keys.Add(entry.Key);
            }
        }

        return keys;
    }
}
