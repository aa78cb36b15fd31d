using System.Globalization;
using Atomiton.Storage.Plugins.FileSystem.TestWorker;
using Xunit.Abstractions;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// A child process saves, overwrites and deletes in a loop (alternating durable and not) and is
/// killed with SIGKILL at seeded random moments, at least 200 times. After every kill, every key
/// holds a complete value with matching metadata, and no temporary file shows anywhere.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 200;
    private const int Seed = 20261124;
    private readonly TemporaryFolder _folder = new("crash");

    [Fact]
    public async Task Killed_writer_never_leaves_a_torn_object_or_a_visible_temporary_file()
    {
        var random = new Random(Seed);
        int checkedKeys = 0;
        int interruptedSaves = 0;
        for (int run = 0; run < Kills; run++)
        {
            bool durable = run % 2 == 1;
            using (var worker = new WorkerProcess("crash", _folder.Path, durable ? "true" : "false", (Seed + run).ToString(CultureInfo.InvariantCulture)))
            {
                int killAfter = random.Next(1, 30);
                await worker.ReadUntilAsync($"saved {killAfter}");
                await worker.KillAsync();
            }

            AssertOnlyObjectFilesOutsideInternalFolders();
            var (keys, removed) = await VerifyEveryKeyAsync(run);
            checkedKeys += keys;
            interruptedSaves += removed;
        }

        output.WriteLine($"{Kills} kills, {interruptedSaves} saves interrupted mid-write, {checkedKeys} key checks.");
        Assert.True(checkedKeys > Kills, "The workers should have left objects to check.");
        Assert.True(interruptedSaves >= Kills / 10, $"Only {interruptedSaves} kills landed in the middle of a save; the test would prove little.");
    }

    private async Task<(int Keys, int RemovedTemporaries)> VerifyEveryKeyAsync(int run)
    {
        var logger = new RecordingLogger();
        await using var engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path }, logger: logger);
        int count = 0;
        var listed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entry in engine.ListAsync())
        {
            listed.Add(entry.Key);
            Assert.Contains(entry.Key, CrashKeys.All);
            await using var read = await engine.OpenReadAsync(entry.Key);
            var bytes = await read.ReadAllAsync();
            long? version = CrashContent.Verify(entry.Key, bytes);
            Assert.True(version is not null, $"After kill {run}, key '{entry.Key}' holds a torn value of {bytes.Length} bytes.");
            Assert.Equal(version.Value.ToString(CultureInfo.InvariantCulture), read.Item.Metadata["version"]);
            Assert.Equal("application/x-crash", read.Item.ContentType);
            Assert.Equal(bytes.Length, read.Item.Size);
            Assert.Equal(read.Item, entry.Item);
            count++;
        }

        foreach (var key in CrashKeys.All)
        {
            Assert.Equal(listed.Contains(key), await engine.ExistsAsync(key));
        }

        Assert.True(logger.Warnings.IsEmpty, $"After kill {run}: {string.Join("; ", logger.Warnings)}");
        // The fresh engine removed the killed writer's temporary files: only its own owner file remains.
        Assert.Single(Directory.GetFileSystemEntries(Path.Combine(_folder.Path, "%_tmp")));
        return (count, engine.RemovedTemporaryFiles);
    }

    // Temporary files live only in %_tmp; anything else on disk is an object file or a folder with an encoded name.
    private void AssertOnlyObjectFilesOutsideInternalFolders()
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(_folder.Path, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(_folder.Path, path);
            if (relative.StartsWith("%_tmp", StringComparison.Ordinal) || relative.StartsWith("%_locks", StringComparison.Ordinal))
            {
                continue;
            }

            string name = Path.GetFileName(path);
            bool known = name == ObjectPaths.SegmentFileName
                || KeyEncoder.IsLongName(name)
                || KeyEncoder.TryDecode(Directory.Exists(path) ? name[..^KeyEncoder.DirectorySuffix.Length] : name) is not null;
            Assert.True(known, $"Unexpected file '{relative}' in the object tree (a temporary file?).");
        }
    }

    public void Dispose() => _folder.Dispose();
}
