namespace Atomiton.Storage.Testing;

// Catalogue 15 and 34: large objects and many keys, measured alone (see MeasurementGate).
public abstract partial class StorageConformanceTests
{
    private const long MeasurementSlack = 16L * 1024 * 1024;

    /// <summary>
    /// Catalogue 15: an object of <see cref="LargeObjectSize"/> bytes from a non-seekable source
    /// round-trips exactly, and the save and the load each allocate at most a quarter of it (plus
    /// 16 MiB of slack): the engine streams rather than buffering whole objects. Engines that
    /// <see cref="HoldsContentInMemory"/> are held to the bound on the load side only. Allocations
    /// are counted process-wide: kit cases in other classes wait (see MeasurementGate), and an
    /// over-budget attempt is repeated (up to three in all), the case failing only if every attempt is
    /// over, so a buffering engine always fails it and a short burst elsewhere does not. A test outside
    /// the kit that allocates heavily for seconds can still fill all three attempts: run such a class
    /// alone (xunit: a collection with DisableParallelization), as docs/plugin-authoring.md says.
    /// </summary>
    [Fact]
    public async Task Large_object_round_trips_in_bounded_memory()
    {
        long size = LargeObjectSize;
        Assert.True(size > 0, "LargeObjectSize must be positive.");
        long budget = (size / 4) + MeasurementSlack;
        bool boundSave = !HoldsContentInMemory;
        using var alone = await MeasureAloneAsync();

        long fewestSaved = long.MaxValue;
        long fewestLoaded = long.MaxValue;
        for (int attempt = 0; attempt < 3 && (fewestLoaded > budget || (boundSave && fewestSaved > budget)); attempt++)
        {
            long allocated = AllocatedBytes();
            var saved = await Engine.SaveAsync("large/object.bin", new SourceStream(size, seed: 15 + attempt, maxRead: 81920));
            fewestSaved = Math.Min(fewestSaved, AllocatedBytes() - allocated);
            Assert.Equal(size, saved.Size);

            allocated = AllocatedBytes();
            long verified = await VerifyStreamedContentAsync("large/object.bin", size, seed: 15 + attempt);
            fewestLoaded = Math.Min(fewestLoaded, AllocatedBytes() - allocated);
            Assert.Equal(size, verified);
        }

        Assert.True(fewestLoaded <= budget, $"Loading a {size}-byte object allocated {fewestLoaded} bytes; the bound is {budget}. Stream the content instead of buffering it.");
        if (boundSave)
        {
            Assert.True(fewestSaved <= budget, $"Saving a {size}-byte object allocated {fewestSaved} bytes; the bound is {budget}. Stream the content instead of buffering it.");
        }
    }

    /// <summary>
    /// Catalogue 34: <see cref="ManyKeysCount"/> keys list exactly once each (in ordinal order on engines declaring
    /// OrderedList, in any order otherwise), and the listing is streamed: the entries already yielded and dropped become collectable, and the
    /// memory held midway (compared with the heap once the listing ends) stays below what collecting
    /// the whole listing would take (16 bytes a key). Both must fail to call the listing collected,
    /// so neither another test's garbage nor an engine that keeps its entries anyway fails the case.
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
        var (listed, mostRetained, mostAlive, tracked) = await ListManyAsync(count);
        Assert.Equal(count, listed);
        await Task.Yield(); // Leave the listing's completion frames, which still root its enumerator.

        // Compared with the heap once the listing has ended (and its enumerator is unreachable), what
        // the listing held midway: other tests' garbage released meanwhile cannot hide a collected listing.
        long mostGrowth = mostRetained - RetainedBytes();
        long bound = Math.Max(16L * count, 1024 * 1024);
        bool collected = mostAlive > tracked * 9 / 10 && mostGrowth > bound;
        Assert.False(collected, $"Listing {count} keys kept {mostAlive} of the first {tracked} entries alive after they were dropped and retained {mostGrowth} bytes midway (a streamed listing stays under {bound}). Yield entries page by page instead of collecting the listing.");
    }

    private async Task<(int Listed, long MostRetained, int MostAlive, int Tracked)> ListManyAsync(int count)
    {
        var early = new List<WeakReference>();
        int tracked = Math.Min(1000, count / 4);
        int sampleEvery = Math.Max(1, count / 4);
        long mostRetained = long.MinValue;
        int mostAlive = 0;
        int listed = 0;
        string? previous = null;
        bool ordered = Ordered;
        var seen = new bool[count];
        await foreach (var entry in Engine.ListAsync(new ListOptions { Prefix = "many/", Recursive = Supports(StorageCapabilities.RecursiveList) }))
        {
            Assert.True(!ordered || previous is null || string.CompareOrdinal(previous, entry.Key) < 0, $"'{entry.Key}' came after '{previous}'");
            previous = entry.Key;
            Assert.True(int.TryParse(entry.Key.AsSpan("many/".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index) && index >= 0 && index < count, $"The listing returned '{entry.Key}', which was never saved.");
            Assert.False(seen[index], $"The listing returned '{entry.Key}' twice; every key is listed exactly once.");
            seen[index] = true;
            if (listed++ < tracked)
            {
                early.Add(new WeakReference(entry));
            }

            if (listed % sampleEvery == 0 && listed < count)
            {
                mostRetained = Math.Max(mostRetained, RetainedBytes());
                mostAlive = Math.Max(mostAlive, early.Count(reference => reference.IsAlive));
            }
        }

        return (listed, mostRetained, mostAlive, tracked);
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
