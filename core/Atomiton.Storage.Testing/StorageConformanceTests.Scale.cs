namespace Atomiton.Storage.Testing;

// Catalogue 15 and 34: large objects and many keys, measured alone (see MeasurementGate).
public abstract partial class StorageConformanceTests
{
    private const long MeasurementSlack = 16L * 1024 * 1024;

    /// <summary>
    /// Catalogue 15: an object of <see cref="LargeObjectSize"/> bytes from a non-seekable source
    /// round-trips exactly, and the save and the load each allocate at most a quarter of it (plus
    /// 16 MiB of slack): the engine streams rather than buffering whole objects. Engines that
    /// <see cref="HoldsContentInMemory"/> are held to the bound on the load side only.
    /// </summary>
    [Fact]
    public async Task Large_object_round_trips_in_bounded_memory()
    {
        long size = LargeObjectSize;
        Assert.True(size > 0, "LargeObjectSize must be positive.");
        long budget = (size / 4) + MeasurementSlack;
        using var alone = await MeasureAloneAsync();

        long allocated = AllocatedBytes();
        var saved = await Engine.SaveAsync("large/object.bin", new SourceStream(size, seed: 15, maxRead: 81920));
        long saveAllocated = AllocatedBytes() - allocated;
        Assert.Equal(size, saved.Size);

        allocated = AllocatedBytes();
        long verified = await VerifyStreamedContentAsync("large/object.bin", size, seed: 15);
        long loadAllocated = AllocatedBytes() - allocated;

        Assert.Equal(size, verified);
        Assert.True(loadAllocated <= budget, $"Loading a {size}-byte object allocated {loadAllocated} bytes; the bound is {budget}. Stream the content instead of buffering it.");
        if (!HoldsContentInMemory)
        {
            Assert.True(saveAllocated <= budget, $"Saving a {size}-byte object allocated {saveAllocated} bytes; the bound is {budget}. Stream the content instead of buffering it.");
        }
    }

    /// <summary>
    /// Catalogue 34: <see cref="ManyKeysCount"/> keys list exactly once each, in order, and the
    /// listing is streamed: the memory it retains midway stays far below what collecting the
    /// whole listing would take (16 bytes a key).
    /// </summary>
    [Fact]
    public async Task Many_keys_list_exactly_once_in_order_in_constant_memory()
    {
        int count = ManyKeysCount;
        for (int i = 0; i < count; i++)
        {
            await SaveAsync($"many/{i:D7}", [(byte)i]);
        }

        using var alone = await MeasureAloneAsync();
        await SettleAsync();
        long baseline = RetainedBytes();
        long leastGrowth = long.MaxValue;
        int listed = 0;
        string? previous = null;
        await foreach (var entry in Engine.ListAsync(new ListOptions { Prefix = "many/" }))
        {
            Assert.True(previous is null || string.CompareOrdinal(previous, entry.Key) < 0, $"'{entry.Key}' came after '{previous}'");
            previous = entry.Key;
            listed++;
            if (listed % Math.Max(1, count / 4) == 0 && listed < count)
            {
                leastGrowth = Math.Min(leastGrowth, RetainedBytes() - baseline);
            }
        }

        Assert.Equal(count, listed);
        long bound = Math.Max(16L * count, 1024 * 1024);
        Assert.True(leastGrowth <= bound, $"Listing {count} keys retained at least {leastGrowth} bytes midway; a streamed listing stays under {bound}.");
    }

    private static long AllocatedBytes() => GC.GetTotalAllocatedBytes(precise: true);

    private static long RetainedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private async Task<long> VerifyStreamedContentAsync(string key, long size, int seed)
    {
        var actual = new byte[81920];
        var expected = new byte[actual.Length];
        long position = 0;
        await using var result = await Engine.OpenReadAsync(key);
        while (true)
        {
            int read = await result.Content.ReadAsync(actual);
            if (read == 0)
            {
                return position;
            }

            Assert.True(position + read <= size, $"The load yielded more than the {size} bytes saved.");
            SourceStream.Fill(expected.AsSpan(0, read), position, seed);
            Assert.True(actual.AsSpan(0, read).SequenceEqual(expected.AsSpan(0, read)), $"The content differs from what was saved between bytes {position} and {position + read}.");
            position += read;
        }
    }
}
