using System.Buffers.Binary;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>8 writers and 8 readers on the same keys: readers only ever see complete values.</summary>
[Collection(RunsAlone.Name)]
public sealed class ConcurrencyTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("concurrency");

    // Every writer saves this many times; every reader loads at least this many times and goes on
    // until the writers are done. Counts, not a time: the verdict does not depend on machine speed.
    private const int SavesPerWriter = 50;
    private const int MinimumLoadsPerReader = 50;

    [Fact]
    public async Task Readers_only_ever_see_complete_values_while_16_tasks_write_the_same_keys()
    {
        // The lock timeout is a hang guard here, not a verdict: on a loaded 2-core CI box the default
        // 30 seconds once expired while eight writers queued for four keys.
        await using var engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path, LockTimeout = TimeSpan.FromMinutes(10) });
        string[] keys = ["hot/a", "hot/b", "hot/c", "Hot/A"];
        foreach (var key in keys)
        {
            await engine.SaveAsync(key, Value(key, 0, 10));
        }

        int writersLeft = 8;
        long reads = 0, writes = 0;
        var tasks = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            if (worker % 2 == 0)
            {
                for (int i = 0; i < SavesPerWriter; i++)
                {
                    string key = keys[random.Next(keys.Length)];
                    await engine.SaveAsync(key, Value(key, random.Next(1, 255), random.Next(0, 200_000)));
                    Interlocked.Increment(ref writes);
                }

                Interlocked.Decrement(ref writersLeft);
                return;
            }

            for (int i = 0; i < MinimumLoadsPerReader || Volatile.Read(ref writersLeft) > 0; i++)
            {
                string key = keys[random.Next(keys.Length)];
                byte[] bytes = await engine.LoadBytesAsync(key);
                AssertComplete(key, bytes);
                Interlocked.Increment(ref reads);

                // A load from the page cache completes synchronously: without a yield each reader would
                // hold a pool thread for the whole test, and the writers' lock hand-offs would wait for
                // the pool to inject threads (about two a second) instead of measuring the engine.
                await Task.Yield();
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromMinutes(10));

        Assert.Equal(8 * SavesPerWriter, writes);
        Assert.True(reads >= 8 * MinimumLoadsPerReader, $"{reads} reads");
        await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "" }))
        {
            AssertComplete(entry.Key, await engine.LoadBytesAsync(entry.Key));
        }
    }

    // [length:4][key hash:4][fill byte × length]: torn, mixed or misplaced values fail the check.
    private static byte[] Value(string key, int fill, int length)
    {
        var bytes = new byte[8 + length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), StableHash(key));
        bytes.AsSpan(8).Fill((byte)fill);
        return bytes;
    }

    private static void AssertComplete(string key, byte[] bytes)
    {
        Assert.True(bytes.Length >= 8, $"'{key}' returned {bytes.Length} bytes.");
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        Assert.True(length == bytes.Length - 8, $"'{key}' returned a torn value: header says {length}, got {bytes.Length - 8}.");
        Assert.Equal(StableHash(key), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)));
        if (length > 0)
        {
            byte fill = bytes[8];
            Assert.True(bytes.AsSpan(8).IndexOfAnyExcept(fill) < 0, $"'{key}' returned a value mixing two writes.");
        }
    }

    private static int StableHash(string key) => key.Aggregate(17, (hash, c) => (hash * 31) + c);

    public void Dispose() => _folder.Dispose();
}
