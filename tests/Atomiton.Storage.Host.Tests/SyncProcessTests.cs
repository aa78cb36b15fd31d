using System.Diagnostics;
using System.Globalization;
using System.Text;
using Atomiton.Storage.Host.Tests.Support;

namespace Atomiton.Storage.Host.Tests;

/// <summary>
/// <c>sync</c> of one pair by several real processes at once: while one runs, another exits 8 naming
/// it and changes nothing, a dry run notes it, and one with <c>--wait</c> waits and then runs. The
/// first process is held mid-run, deterministically, by the test holding every per-key lock file of
/// the <c>archive</c> folder (docs/filesystem-format.md: <c>%_locks/00.lock … ff.lock</c>, exclusive
/// <c>flock</c>): its first copy into <c>archive</c> waits for them until the test lets go.
/// </summary>
public sealed class SyncProcessTests : IDisposable
{
    private readonly Sandbox _sandbox = new(Sandbox.DefaultConfiguration().Replace(
        """{ "baseDir": "archive" }""", """{ "baseDir": "archive", "lockTimeout": "00:10:00" }""", StringComparison.Ordinal));

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task A_second_sync_of_a_running_pair_exits_8_naming_it_and_one_with_wait_runs_after_it()
    {
        Assert.Contains("00:10:00", File.ReadAllText(_sandbox.ConfigurationFile), StringComparison.Ordinal);
        await SeedAsync(5);
        var locks = HoldArchiveKeyLocks();
        using var first = new RunningCli(_sandbox.Directory, "sync", "local", "archive");
        using var waiter = new RunningCli(_sandbox.Directory, null);
        try
        {
            // The first run has planned: it holds the pair's lock and is stuck on its first copy.
            await first.ErrorLineAsync(line => line.StartsWith("plan:", StringComparison.Ordinal));

            var refused = await _sandbox.RunAsync("sync", "local", "archive");
            Assert.True(refused.ExitCode == 8, refused.ToString());
            Assert.Contains("Another sync of 'local' <-> 'archive' is running", refused.Error, StringComparison.Ordinal);
            Assert.Contains($"pid {first.Id.ToString(CultureInfo.InvariantCulture)}", refused.Error, StringComparison.Ordinal);
            Assert.Contains("--wait", refused.Error, StringComparison.Ordinal);

            var dryRun = await _sandbox.RunAsync("sync", "local", "archive", "--dry-run");
            Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
            Assert.Contains("another sync of this pair is running", dryRun.Error, StringComparison.Ordinal);

            var status = await _sandbox.RunAsync("sync", "status", "local", "archive");
            Assert.Contains($"running now: host '{Environment.MachineName}', pid {first.Id.ToString(CultureInfo.InvariantCulture)}", status.Output, StringComparison.Ordinal);

            waiter.Start("sync", "local", "archive", "--wait", "10m");
            var waiting = await waiter.ErrorLineAsync(line => line.StartsWith("wait:", StringComparison.Ordinal));
            Assert.Contains($"pid {first.Id.ToString(CultureInfo.InvariantCulture)}", waiting, StringComparison.Ordinal);
            Assert.Empty(await ArchiveKeysAsync());
        }
        finally
        {
            foreach (var file in locks)
            {
                file.Dispose();
            }
        }

        var done = await first.ExitAsync();
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.Contains("5 A->B", done.Output, StringComparison.Ordinal);
        var after = await waiter.ExitAsync();
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains("0 A->B, 0 B->A", after.Output, StringComparison.Ordinal);
        Assert.Equal(5, (await ArchiveKeysAsync()).Count);
    }

    private async Task SeedAsync(int count)
    {
        foreach (string pipeline in new[] { "local", "archive" })
        {
            var (host, engine) = await _sandbox.OpenAsync(pipeline);
            using (host)
            await using (engine)
            {
                for (int i = 0; pipeline == "local" && i < count; i++)
                {
                    await engine.SaveAsync($"notes/n{i}.txt", Encoding.UTF8.GetBytes($"note {i}"));
                }
            }
        }
    }

    /// <summary>Every lock file of the archive folder, held exclusively (an exclusive flock, as the engine takes it).</summary>
    private List<FileStream> HoldArchiveKeyLocks()
    {
        string folder = _sandbox.PathOf(Path.Combine("archive", "%_locks"));
        Directory.CreateDirectory(folder);
        var held = new List<FileStream>();
        for (int stripe = 0; stripe < 256; stripe++)
        {
            held.Add(new FileStream(Path.Combine(folder, stripe.ToString("x2", CultureInfo.InvariantCulture) + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }

        return held;
    }

    private async Task<List<string>> ArchiveKeysAsync()
    {
        var keys = new List<string>();
        var (host, engine) = await _sandbox.OpenAsync("archive");
        using (host)
        await using (engine)
        {
            await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "notes/", Recursive = true }))
            {
                keys.Add(entry.Key);
            }
        }

        return keys;
    }

    /// <summary>The host as a process whose stderr lines the test can wait for.</summary>
    private sealed class RunningCli : IDisposable
    {
        private readonly string _directory;
        private readonly StringBuilder _output = new();
        private readonly List<string> _errors = [];
        private readonly Lock _gate = new();
        private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waits = [];
        private Process? _process;

        public RunningCli(string directory, params string[]? arguments)
        {
            _directory = directory;
            if (arguments is not null)
            {
                Start(arguments);
            }
        }

        public int Id => _process!.Id;

        public void Start(params string[] arguments)
        {
            _process = new Process { StartInfo = HostProcess.StartInfo(_directory, arguments), EnableRaisingEvents = true };
            _process.OutputDataReceived += (_, e) =>
            {
                lock (_gate)
                {
                    _output.AppendLine(e.Data);
                }
            };
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not { } line)
                {
                    return;
                }

                lock (_gate)
                {
                    _errors.Add(line);
                    foreach (var (match, seen) in _waits.Where(wait => wait.Match(line)))
                    {
                        seen.TrySetResult(line);
                    }
                }
            };
            _process.Start();
            _process.StandardInput.Close();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        /// <summary>The first stderr line matching <paramref name="match"/>; fails when the process ends first.</summary>
        public async Task<string> ErrorLineAsync(Func<string, bool> match)
        {
            var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_errors.FirstOrDefault(match) is { } already)
                {
                    return already;
                }

                _waits.Add((match, seen));
            }

            var exited = _process!.WaitForExitAsync();
            if (await Task.WhenAny(seen.Task, exited).WaitAsync(HostProcess.Timeout) != seen.Task)
            {
                Assert.Fail($"the process ended without the line awaited:\n{await ExitAsync()}");
            }

            return await seen.Task;
        }

        public async Task<CliResult> ExitAsync()
        {
            using var hang = new CancellationTokenSource(HostProcess.Timeout);
            try
            {
                await _process!.WaitForExitAsync(hang.Token);
            }
            catch (OperationCanceledException)
            {
                _process!.Kill(entireProcessTree: true);
                Assert.Fail($"atomiton-storage did not finish within {HostProcess.Timeout}.");
            }

            lock (_gate)
            {
                return new CliResult(_process.ExitCode, _output.ToString(), string.Join('\n', _errors));
            }
        }

        public void Dispose()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
            }

            _process?.Dispose();
        }
    }
}
