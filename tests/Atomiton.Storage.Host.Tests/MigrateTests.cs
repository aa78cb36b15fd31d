using System.Diagnostics;
using System.Text;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests;

public sealed class MigrateTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    [Fact]
    public async Task Migrate_of_10000_objects_killed_midway_then_resumed_copies_each_once_and_verifies_all()
    {
        const int count = 10_000;
        var expected = await SeedAsync(count);

        // Run 1: killed once 3,000 objects are reported copied and verified.
        using var first = Process.Start(HostProcess.StartInfo(_sandbox.Directory, ["migrate", "--from", "local", "--to", "archive", "--parallel", "4", "--verbose"]))!;
        var firstLines = new List<string>();
        var killed = new TaskCompletionSource();
        first.ErrorDataReceived += (_, _) => { };
        first.BeginErrorReadLine();
        var reader = Task.Run(async () =>
        {
            int copied = 0;
            while (await first.StandardOutput.ReadLineAsync() is { } line)
            {
                firstLines.Add(line);
                if (line.StartsWith("copied ", StringComparison.Ordinal) && ++copied == 3_000)
                {
                    first.Kill(entireProcessTree: true);
                    killed.TrySetResult();
                }
            }
        });

        // Killed after a count of objects, not after a time; the wait is a hang guard only.
        using (var hang = new CancellationTokenSource(HostProcess.Timeout))
        {
            try
            {
                await first.WaitForExitAsync(hang.Token);
            }
            catch (OperationCanceledException)
            {
                first.Kill(entireProcessTree: true);
                await reader;
                Assert.Fail($"The first migrate run neither finished nor was killed within {HostProcess.Timeout}:\n" + string.Join('\n', firstLines.TakeLast(20)));
            }
        }

        await reader;
        Assert.True(killed.Task.IsCompleted, "The first run finished before it could be killed:\n" + string.Join('\n', firstLines.TakeLast(20)));
        Assert.True(File.Exists(_sandbox.PathOf(".atomiton-migrate/local-archive.checkpoint")), "No checkpoint after the interrupted run.");

        var atTargetAfterKill = await TargetKeysAsync();

        // Run 2: resumes.
        var second = await _sandbox.RunAsync("migrate", "--from", "local", "--to", "archive", "--parallel", "4", "--verbose");

        Assert.True(second.ExitCode == 0, second.ToString());
        var copiedFirst = KeysOf(firstLines, "copied ");
        var secondLines = second.Output.Split('\n');
        var copiedSecond = KeysOf(secondLines, "copied ");
        var presentSecond = KeysOf(secondLines, "present ");
        Assert.True(copiedFirst.Count >= 3_000);
        Assert.Subset(atTargetAfterKill, copiedFirst);

        // No object copied twice: nothing the first run left at the target is copied again ...
        Assert.Empty(copiedSecond.Intersect(atTargetAfterKill));
        Assert.Subset(atTargetAfterKill, presentSecond);

        // ... only the few objects in flight when it was killed are re-examined (verified, not copied) ...
        Assert.True(presentSecond.Count <= 16, $"{presentSecond.Count} objects were re-examined; the checkpoint should limit that to those in flight.");

        // ... and none is missed.
        Assert.Equal(count, atTargetAfterKill.Count + copiedSecond.Count);
        Assert.Contains("resumed;", second.Output, StringComparison.Ordinal);
        Assert.Contains("failed:   0", second.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(_sandbox.PathOf(".atomiton-migrate/local-archive.checkpoint")), "The checkpoint outlived a complete migration.");

        var (host, archive) = await _sandbox.OpenAsync("archive");
        using (host)
        await using (archive)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var entry in archive.ListAsync(new ListOptions { Recursive = true }))
            {
                Assert.True(seen.Add(entry.Key), $"{entry.Key} listed twice");
                Assert.Equal(expected[entry.Key], await archive.LoadBytesAsync(entry.Key));
            }

            Assert.Equal(count, seen.Count);
            var flagged = await archive.StatAsync("set-0/obj-00000.bin");
            Assert.Equal("application/octet-stream", flagged.ContentType);
            Assert.Equal("0", flagged.Metadata["index"]);
        }
    }

    [Fact]
    public async Task Dry_run_reports_what_would_be_copied_and_writes_nothing()
    {
        await SeedAsync(20);

        var result = await _sandbox.RunAsync("migrate", "--from", "local", "--to", "archive", "--dry-run");
        var target = await _sandbox.RunAsync("ls", "--recursive", "--pipeline", "archive");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(20, result.Output.Split('\n').Count(l => l.StartsWith("would copy ", StringComparison.Ordinal)));
        Assert.Contains("dry run, nothing written", result.Output, StringComparison.Ordinal);
        Assert.Equal("", target.Output.Trim());
        Assert.False(Directory.Exists(_sandbox.PathOf(".atomiton-migrate")));
    }

    [Fact]
    public async Task Delete_source_removes_source_objects_only_after_a_verified_copy()
    {
        var expected = await SeedAsync(50);

        var result = await _sandbox.RunAsync("migrate", "--from", "local", "--to", "archive", "--delete-source", "--json");
        var source = await _sandbox.RunAsync("ls", "--recursive");
        var target = await _sandbox.RunAsync("ls", "--recursive", "--pipeline", "archive");

        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = result.Json();
        Assert.Equal(50, summary.GetProperty("copied").GetInt64());
        Assert.Equal(50, summary.GetProperty("verified").GetInt64());
        Assert.Equal(50, summary.GetProperty("deleted").GetInt64());
        Assert.Equal(0, summary.GetProperty("failed").GetInt64());
        Assert.Equal("", source.Output.Trim());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), target.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Migrate_again_verifies_and_skips_objects_already_at_the_target()
    {
        await SeedAsync(30);
        var first = await _sandbox.RunAsync("migrate", "--from", "local", "--to", "archive", "--json");

        var second = await _sandbox.RunAsync("migrate", "--from", "local", "--to", "archive", "--json");

        Assert.Equal(30, first.Json().GetProperty("copied").GetInt64());
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(0, second.Json().GetProperty("copied").GetInt64());
        Assert.Equal(30, second.Json().GetProperty("skipped").GetInt64());
        Assert.Equal(30, second.Json().GetProperty("verified").GetInt64());
    }

    [Fact]
    public async Task Migrate_to_the_same_pipeline_is_a_usage_error()
    {
        var result = await _sandbox.RunAsync("migrate", "--from", "local", "--to", "LOCAL");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("both 'local'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_from_an_unknown_pipeline_exits_3()
    {
        var result = await _sandbox.RunAsync("migrate", "--from", "nope", "--to", "archive");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Unknown pipeline 'nope'", result.Error, StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, byte[]>> SeedAsync(int count)
    {
        var expected = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var (host, engine) = await _sandbox.OpenAsync("local");
        using (host)
        await using (engine)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, token) =>
            {
                string key = $"set-{i % 10}/obj-{i:D5}.bin";
                var random = new Random(20261124 + i);
                var content = new byte[random.Next(16, 256)];
                random.NextBytes(content);

                lock (expected)
                {
                    expected[key] = content;
                }

                var options = i % 100 == 0
                    ? new SaveOptions { ContentType = "application/octet-stream", Metadata = new Dictionary<string, string> { ["index"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } }
                    : null;
                await engine.SaveAsync(key, content, options, token);
            });
        }

        return expected;
    }

    private async Task<HashSet<string>> TargetKeysAsync()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var (host, archive) = await _sandbox.OpenAsync("archive");
        using (host)
        await using (archive)
        {
            await foreach (var entry in archive.ListAsync(new ListOptions { Recursive = true }))
            {
                keys.Add(entry.Key);
            }
        }

        return keys;
    }

    private static HashSet<string> KeysOf(IEnumerable<string> lines, string verb) =>
        lines.Where(line => line.StartsWith(verb, StringComparison.Ordinal))
            .Select(line => line[verb.Length..line.IndexOf(' ', verb.Length)])
            .ToHashSet(StringComparer.Ordinal);

    public void Dispose() => _sandbox.Dispose();
}
