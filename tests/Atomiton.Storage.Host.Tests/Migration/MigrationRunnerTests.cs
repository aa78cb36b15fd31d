using Atomiton.Storage.Host.Migration;
using Atomiton.Storage.Host.Progress;
using Atomiton.Storage.Memory;

namespace Atomiton.Storage.Host.Tests.Migration;

public sealed class MigrationRunnerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "atomiton-cli-tests", Guid.NewGuid().ToString("N"));
    private readonly MemoryEngine _source = new();
    private readonly MemoryEngine _target = new();

    private string CheckpointFile => Path.Combine(_folder, "m.checkpoint");

    [Fact]
    public async Task Interrupted_migration_resumes_and_saves_every_object_exactly_once()
    {
        await SeedAsync(2_000);
        var recording = new RecordingEngine(_target);
        using var interrupt = new CancellationTokenSource();
        int handled = 0;
        var first = Runner(recording, outcome =>
        {
            if (Interlocked.Increment(ref handled) == 700)
            {
                interrupt.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.RunAsync(interrupt.Token));
        Assert.True(File.Exists(CheckpointFile));
        var summary = await Runner(recording).RunAsync(CancellationToken.None);

        Assert.True(summary.Resumed);
        Assert.Equal(0, summary.Failed);
        Assert.True(summary.VerifiedEarlier >= 700);
        Assert.Equal(2_000, summary.VerifiedEarlier + summary.Verified);
        Assert.Equal(2_000, recording.Saves.Count);
        Assert.All(recording.Saves, pair => Assert.True(pair.Value == 1, $"{pair.Key} was saved {pair.Value} times"));
        await AssertTargetEqualsSourceAsync(2_000);
        Assert.False(File.Exists(CheckpointFile));
    }

    [Fact]
    public async Task A_corrupted_copy_fails_verification_keeps_the_source_and_is_retried_on_the_next_run()
    {
        await SeedAsync(40);
        var corrupting = new RecordingEngine(_target, key => key == "k/00007");

        var failed = await Runner(corrupting, deleteSource: true).RunAsync(CancellationToken.None);

        var failure = Assert.Single(failed.Failures);
        Assert.Equal("k/00007", failure.Key);
        Assert.Contains("sha256", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(0, failed.Deleted);
        Assert.Equal(CheckpointFile, failed.Checkpoint);
        Assert.True(await _source.ExistsAsync("k/00007"));

        var healthy = new RecordingEngine(_target);
        var retried = await Runner(healthy, deleteSource: true).RunAsync(CancellationToken.None);

        Assert.Equal(0, retried.Failed);
        Assert.Equal(1, retried.Copied);
        Assert.Equal(["k/00007"], healthy.Saves.Keys);
        Assert.Equal(40, retried.Deleted);
        Assert.Empty(await ToListAsync(_source));
    }

    [Fact]
    public async Task Dry_run_changes_nothing_and_writes_no_checkpoint()
    {
        await SeedAsync(10);
        await _target.SaveAsync("k/00003", Content(3));

        var summary = await Runner(_target, dryRun: true).RunAsync(CancellationToken.None);

        Assert.Equal(10, summary.Objects);
        Assert.Equal(1, summary.Skipped);
        Assert.Equal(0, summary.Copied);
        Assert.Single(await ToListAsync(_target));
        Assert.False(File.Exists(CheckpointFile));
    }

    private MigrationRunner Runner(IStorageEngine target, Action<ObjectOutcome>? onOutcome = null, bool deleteSource = false, bool dryRun = false) =>
        new(new MigrationRequest("local", "archive", "", dryRun, 4, deleteSource, CheckpointFile), _source, target, new SilentProgressDisplay(), onOutcome ?? (_ => { }));

    private async Task SeedAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await _source.SaveAsync($"k/{i:D5}", Content(i), new SaveOptions { ContentType = "application/octet-stream", Metadata = new Dictionary<string, string> { ["n"] = $"{i}" } });
        }
    }

    private async Task AssertTargetEqualsSourceAsync(int count)
    {
        var keys = await ToListAsync(_target);
        Assert.Equal(count, keys.Count);
        foreach (string key in keys)
        {
            Assert.Equal(await _source.LoadBytesAsync(key), await _target.LoadBytesAsync(key));
            Assert.Equal((await _source.StatAsync(key)).Metadata["n"], (await _target.StatAsync(key)).Metadata["n"]);
        }
    }

    private static byte[] Content(int i)
    {
        var random = new Random(i);
        var bytes = new byte[random.Next(1, 300)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static async Task<List<string>> ToListAsync(MemoryEngine engine)
    {
        var keys = new List<string>();
        await foreach (var entry in engine.ListAsync(new ListOptions { Recursive = true }))
        {
            keys.Add(entry.Key);
        }

        return keys;
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
