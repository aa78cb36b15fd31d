using System.Buffers.Binary;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>16 writers and readers on the same keys: readers only ever see complete values.</summary>
[Collection(RunsAlone.Name)]
public sealed class ConcurrencyTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("concurrency");

    [Fact]
    public async Task Readers_only_ever_see_complete_values_while_16_tasks_write_the_same_keys()
    {
        await using var engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path });
        string[] keys = ["hot/a", "hot/b", "hot/c", "Hot/A"];
        foreach (var key in keys)
        {
            await engine.SaveAsync(key, Value(key, 0, 10));
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        long reads = 0, writes = 0;
        var tasks = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                string key = keys[random.Next(keys.Length)];
                if (worker % 2 == 0)
                {
                    await engine.SaveAsync(key, Value(key, random.Next(1, 255), random.Next(0, 200_000)));
                    Interlocked.Increment(ref writes);
                }
                else
                {
                    byte[] bytes = await engine.LoadBytesAsync(key);
                    AssertComplete(key, bytes);
                    Interlocked.Increment(ref reads);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        Assert.True(reads > 100 && writes > 100, $"Too little contention to prove anything: {reads} reads, {writes} writes.");
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
