using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests.InProcess;

/// <summary>
/// <c>migrate</c> in the test process, from the sandbox's <c>local</c> folder to its <c>archive</c>
/// folder: dry run, summaries, a verification failure that keeps the source, an interruption and
/// its resume, and the usage errors.
/// </summary>
public sealed class MigrateInProcessTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Dry_run_lists_what_it_would_copy_or_verify_and_writes_nothing()
    {
        await SeedAsync("local", ("a/1", "one"), ("a/2", "two!"), ("b/3", "three"));
        await SeedAsync("archive", ("a/2", "TWO!"));

        var result = await _sandbox.Cli.RunAsync("migrate", "--from", "local", "--to", "archive", "--dry-run", "--parallel", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [
                "would copy a/1 (3 bytes)",
                "would verify a/2 (target has an object of the same size)",
                "would copy b/3 (5 bytes)",
                "migrate 'local' -> 'archive': dry run, nothing written",
                "  objects:  3",
                "  bytes:    8 B to copy",
                "  copied:   0",
                "  verified: 0",
                "  skipped:  1",
                "  failed:   0",
            ],
            result.OutputLines);
        Assert.Equal(["a/2"], await KeysAsync("archive"));
        Assert.False(Directory.Exists(_sandbox.PathOf(".atomiton-migrate")));
    }

    [Fact]
    public async Task A_complete_run_prints_the_summary_and_with_verbose_every_object()
    {
        await SeedAsync("local", ("a/1", "one"), ("a/2", "two"));
        await SeedAsync("archive", ("a/1", "one"));

        var result = await _sandbox.Cli.RunAsync("migrate", "--from", "local", "--to", "archive", "--verbose", "--parallel", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [
                "present a/1 (already at target, hash verified, not copied)",
                "copied a/2 (3 bytes, hash verified)",
                "migrate 'local' -> 'archive': complete run",
                "  objects:  2",
                "  bytes:    3 B copied",
                "  copied:   1",
                "  verified: 2",
                "  skipped:  1",
                "  failed:   0",
            ],
            result.OutputLines);
        Assert.Equal("", result.Error);
        Assert.Equal("two", await LoadTextAsync("archive", "a/2"));
        Assert.False(File.Exists(_sandbox.PathOf(".atomiton-migrate/local-archive.checkpoint")));
    }

    [Fact]
    public async Task Json_prints_one_summary_document()
    {
        await SeedAsync("local", ("p/1", "one"), ("q/2", "two"));

        var result = await _sandbox.Cli.RunAsync("migrate", "--from", "local", "--to", "archive", "--prefix", "p/", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = result.Json();
        Assert.Equal("local", summary.GetProperty("from").GetString());
        Assert.Equal("archive", summary.GetProperty("to").GetString());
        Assert.Equal("p/", summary.GetProperty("prefix").GetString());
        Assert.False(summary.GetProperty("dryRun").GetBoolean());
        Assert.False(summary.GetProperty("resumed").GetBoolean());
        Assert.Equal(1, summary.GetProperty("objects").GetInt64());
        Assert.Equal(3, summary.GetProperty("bytes").GetInt64());
        Assert.Equal(1, summary.GetProperty("copied").GetInt64());
        Assert.Equal(1, summary.GetProperty("verified").GetInt64());
        Assert.Equal(0, summary.GetProperty("skipped").GetInt64());
        Assert.Equal(0, summary.GetProperty("failed").GetInt64());
        Assert.Equal(0, summary.GetProperty("verifiedEarlier").GetInt64());
        Assert.Equal(0, summary.GetProperty("deleted").GetInt64());
        Assert.Equal(0, summary.GetProperty("failures").GetArrayLength());
        Assert.False(summary.TryGetProperty("checkpoint", out _));
        Assert.Equal("", result.Error);
        Assert.Equal(["p/1"], await KeysAsync("archive"));
    }

    [Fact]
    public async Task A_verification_failure_exits_1_keeps_the_source_and_the_next_run_retries_it_and_deletes_the_source()
    {
        await SeedAsync("local", ("k/1", "one"), ("k/2", "two"), ("k/3", "three"));
        var corrupting = _sandbox.Cli with
        {
            DecoratePipelines = source => new DecoratedPipelineSource(source, (name, engine) => name == "archive" ? new TamperingEngine(engine, corrupt: key => key == "k/2") : engine),
        };
        string checkpoint = _sandbox.PathOf(Path.Combine(".atomiton-migrate", "local-archive-" + PrefixHash("k/") + ".checkpoint"));

        var failed = await corrupting.RunAsync("migrate", "--from", "local", "--to", "archive", "--prefix", "k/", "--delete-source");

        Assert.Equal(1, failed.ExitCode);
        Assert.Equal(
            [
                "failed k/2: verification failed: the target's content differs from the source (sha256) after writing; the target stage may be corrupting data",
                $"error: 1 object failed (listed above); the source was kept. Fix the cause and run the same command again: it resumes from {checkpoint} and retries them.",
            ],
            failed.ErrorLines);
        Assert.Equal("migrate 'local' -> 'archive' (prefix 'k/'): complete run", failed.OutputLines[0]);
        Assert.Contains("  failed:   1", failed.OutputLines);
        Assert.Equal($"  checkpoint kept: {checkpoint}", failed.OutputLines[^1]);
        Assert.True(File.Exists(checkpoint));
        Assert.Equal(["k/1", "k/2", "k/3"], await KeysAsync("local"));

        var retried = await _sandbox.Cli.RunAsync("migrate", "--from", "local", "--to", "archive", "--prefix", "k/", "--delete-source");

        Assert.True(retried.ExitCode == 0, retried.ToString());
        Assert.Equal("migrate 'local' -> 'archive' (prefix 'k/'): resumed; 2 objects verified by earlier runs", retried.OutputLines[0]);
        Assert.Contains("  copied:   1", retried.OutputLines);
        Assert.Contains("  deleted from source: 3", retried.OutputLines);
        Assert.Empty(await KeysAsync("local"));
        Assert.Equal("two", await LoadTextAsync("archive", "k/2"));
        Assert.False(File.Exists(checkpoint));
    }

    [Fact]
    public async Task Several_failures_are_counted_in_the_plural_and_the_checkpoint_goes_where_asked()
    {
        await SeedAsync("local", ("k/1", "one"), ("k/2", "two"));
        var corrupting = _sandbox.Cli with
        {
            DecoratePipelines = source => new DecoratedPipelineSource(source, (name, engine) => name == "archive" ? new TamperingEngine(engine, corrupt: _ => true) : engine),
        };

        var failed = await corrupting.RunAsync("migrate", "--from", "local", "--to", "archive", "--checkpoint", "state/mine.checkpoint");

        Assert.Equal(1, failed.ExitCode);
        Assert.Equal(2, failed.ErrorLines.Count(line => line.StartsWith("failed k/", StringComparison.Ordinal)));
        Assert.Equal($"error: 2 objects failed (listed above). Fix the cause and run the same command again: it resumes from {_sandbox.PathOf("state/mine.checkpoint")} and retries them.", failed.ErrorLines[^1]);
        Assert.True(File.Exists(_sandbox.PathOf("state/mine.checkpoint")));
    }

    [Fact]
    public async Task A_failure_with_json_is_in_the_summary_and_one_error_document()
    {
        await SeedAsync("local", ("k/1", "one"));
        var corrupting = _sandbox.Cli with
        {
            DecoratePipelines = source => new DecoratedPipelineSource(source, (name, engine) => name == "archive" ? new TamperingEngine(engine, corrupt: _ => true) : engine),
        };

        var failed = await corrupting.RunAsync("migrate", "--from", "local", "--to", "archive", "--json");

        Assert.Equal(1, failed.ExitCode);
        var failure = Assert.Single(failed.Json().GetProperty("failures").EnumerateArray());
        Assert.Equal("k/1", failure.GetProperty("key").GetString());
        Assert.Equal("Failed", failure.GetProperty("kind").GetString());
        Assert.Contains("sha256", failure.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(_sandbox.PathOf(".atomiton-migrate/local-archive.checkpoint"), failed.Json().GetProperty("checkpoint").GetString());
        var error = failed.ErrorJson().GetProperty("error");
        Assert.Equal("Error", error.GetProperty("kind").GetString());
        Assert.Equal(1, error.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task An_interrupted_run_exits_130_and_the_next_resumes_from_the_checkpoint_saving_each_object_once()
    {
        var seeded = Enumerable.Range(0, 40).Select(i => ($"obj/{i:D3}", $"content {i}")).ToArray();
        await SeedAsync("local", seeded);
        var saves = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        int distinct = 0;
        using var interrupt = new CancellationTokenSource();
        var counting = _sandbox.Cli with
        {
            DecoratePipelines = source => new DecoratedPipelineSource(source, (name, engine) => name != "archive" ? engine : new TamperingEngine(engine, onSave: key =>
            {
                if (saves.AddOrUpdate(key, 1, (_, n) => n + 1) == 1 && Interlocked.Increment(ref distinct) == 15)
                {
                    interrupt.Cancel();
                }
            })),
        };

        var first = await counting.RunAsync(new CliConsole(), interrupt.Token, "migrate", "--from", "local", "--to", "archive", "--parallel", "2");

        Assert.Equal(130, first.ExitCode);
        Assert.Equal("error: Cancelled; nothing further was done (an interrupted migrate resumes where it stopped when run again).", first.Error.TrimEnd());
        Assert.True(File.Exists(_sandbox.PathOf(".atomiton-migrate/local-archive.checkpoint")));

        var second = await counting.RunAsync("migrate", "--from", "local", "--to", "archive", "--parallel", "2", "--json");

        Assert.True(second.ExitCode == 0, second.ToString());
        var summary = second.Json();
        Assert.True(summary.GetProperty("resumed").GetBoolean());
        Assert.Equal(40, summary.GetProperty("verifiedEarlier").GetInt64() + summary.GetProperty("verified").GetInt64());
        Assert.Equal(40, saves.Count);
        Assert.All(saves, pair => Assert.True(pair.Value == 1, $"{pair.Key} was saved {pair.Value} times"));
        Assert.Equal(seeded.Select(s => s.Item1), await KeysAsync("archive"));
        Assert.False(File.Exists(_sandbox.PathOf(".atomiton-migrate/local-archive.checkpoint")));
    }

    [Fact]
    public async Task An_unreadable_checkpoint_stops_the_migration_saying_how_to_start_over()
    {
        await SeedAsync("local", ("a/1", "one"));
        Directory.CreateDirectory(_sandbox.PathOf(".atomiton-migrate"));
        File.WriteAllText(_sandbox.PathOf(".atomiton-migrate/local-archive.checkpoint"), "{ torn");

        var result = await _sandbox.Cli.RunAsync("migrate", "--from", "local", "--to", "archive");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: The migration checkpoint {_sandbox.PathOf(".atomiton-migrate/local-archive.checkpoint")} is not valid (", result.Error, StringComparison.Ordinal);
        Assert.EndsWith("Delete it to start the migration over (objects already at the target are verified, not copied again).", result.Error.TrimEnd(), StringComparison.Ordinal);
        Assert.Empty(await KeysAsync("archive"));
    }

    [Fact]
    public async Task A_checkpoint_of_another_migration_is_refused()
    {
        await SeedAsync("local", ("a/1", "one"));
        var corrupting = _sandbox.Cli with
        {
            DecoratePipelines = source => new DecoratedPipelineSource(source, (name, engine) => name == "archive" ? new TamperingEngine(engine, corrupt: _ => true) : engine),
        };
        Assert.Equal(1, (await corrupting.RunAsync("migrate", "--from", "local", "--to", "archive", "--checkpoint", "shared.checkpoint")).ExitCode);

        var result = await _sandbox.Cli.RunAsync("migrate", "--from", "archive", "--to", "local", "--checkpoint", "shared.checkpoint");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: The migration checkpoint {_sandbox.PathOf("shared.checkpoint")} belongs to another migration (or version); delete it or pass another --checkpoint.", result.Error.TrimEnd());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    public async Task Parallel_out_of_range_is_a_usage_error(string parallel)
    {
        var result = await _sandbox.Cli.RunAsync("migrate", "--from", "local", "--to", "archive", "--parallel", parallel);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: --parallel {parallel} is out of range; give 1 to 64.", result.Error.TrimEnd());
    }

    [Fact]
    public async Task Same_pipeline_invalid_prefix_and_unknown_pipeline_are_refused_before_anything_is_copied()
    {
        await SeedAsync("local", ("a/1", "one"));

        var same = await _sandbox.Cli.RunAsync("migrate", "--from", "local", "--to", "LOCAL");
        var prefix = await _sandbox.Cli.RunAsync("migrate", "--from", "local", "--to", "archive", "--prefix", "/a");
        var unknown = await _sandbox.Cli.RunAsync("migrate", "--from", "local", "--to", "nowhere");

        Assert.Equal(2, same.ExitCode);
        Assert.Equal("error: --from and --to are both 'local'; migrate between two different pipelines.", same.Error.TrimEnd());
        Assert.Equal(2, prefix.ExitCode);
        Assert.Equal(3, unknown.ExitCode);
        Assert.StartsWith("error: Unknown pipeline 'nowhere' in plugins.json", unknown.Error, StringComparison.Ordinal);
        Assert.Empty(await KeysAsync("archive"));
    }

    private static string PrefixHash(string prefix) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix)))[..12];

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

    private async Task<string> LoadTextAsync(string pipeline, string key)
    {
        var (host, engine) = await _sandbox.OpenAsync(pipeline);
        using (host)
        await using (engine)
        {
            return Encoding.UTF8.GetString(await engine.LoadBytesAsync(key));
        }
    }
}
