namespace Atomiton.Storage.Testing;

// Catalogue 21–25: ranged reads.
public abstract partial class StorageConformanceTests
{
    /// <summary>Catalogue 21: the range [5, 16) returns exactly those bytes, and the item describes the whole object.</summary>
    [Fact]
    public async Task Middle_range_returns_exactly_those_bytes()
    {
        var content = Content(100);
        await SaveAsync("ranged", content);
        var range = ByteRange.From(5, 11);
        if (!Supports(StorageCapabilities.RangeRead))
        {
            await AssertUnsupportedAsync(async () => await LoadAsync("ranged", new ReadOptions { Range = range }), nameof(StorageCapabilities.RangeRead));
            return;
        }

        await using var result = await Engine.OpenReadAsync("ranged", new ReadOptions { Range = range });
        Assert.Equal(content[5..16], await result.ReadAllAsync());
        Assert.Equal(100, result.Item.Size);
        Assert.False(result.NotModified);
    }

    /// <summary>Catalogue 22: a range from an offset with no length reads to the end.</summary>
    [Fact]
    public async Task Range_from_an_offset_reads_to_the_end()
    {
        var content = Content(ChunkSize + 100);
        await SaveAsync("ranged", content);
        if (!Supports(StorageCapabilities.RangeRead))
        {
            await AssertUnsupportedAsync(async () => await LoadAsync("ranged", new ReadOptions { Range = ByteRange.From(3) }), nameof(StorageCapabilities.RangeRead));
            return;
        }

        Assert.Equal(content[3..], await LoadAsync("ranged", new ReadOptions { Range = ByteRange.From(3) }));
        Assert.Equal(content[(ChunkSize - 1)..], await LoadAsync("ranged", new ReadOptions { Range = ByteRange.From(ChunkSize - 1) }));
    }

    /// <summary>Catalogue 23: ranges past the end are clamped to the end, never an error.</summary>
    [Fact]
    public async Task Range_past_the_end_is_clamped_without_error()
    {
        var content = Content(50);
        await SaveAsync("ranged", content);
        if (!Supports(StorageCapabilities.RangeRead))
        {
            await AssertUnsupportedAsync(async () => await LoadAsync("ranged", new ReadOptions { Range = ByteRange.From(40, 100) }), nameof(StorageCapabilities.RangeRead));
            return;
        }

        Assert.Equal(content[40..], await LoadAsync("ranged", new ReadOptions { Range = ByteRange.From(40, 100) }));
        Assert.Empty(await LoadAsync("ranged", new ReadOptions { Range = ByteRange.From(50) }));
        Assert.Empty(await LoadAsync("ranged", new ReadOptions { Range = ByteRange.From(500, 10) }));
        Assert.Empty(await LoadAsync("ranged", new ReadOptions { Range = ByteRange.From(10, 0) }));
    }

    /// <summary>Catalogue 24: a suffix range returns the last N bytes; N larger than the object gives it whole; N = 0 gives nothing.</summary>
    [Theory]
    [InlineData(4)]
    [InlineData(30)]
    [InlineData(31)]
    [InlineData(1000)]
    [InlineData(0)]
    public async Task Suffix_range_returns_the_last_bytes(int count)
    {
        var content = Content(30);
        await SaveAsync("suffix", content);
        var options = new ReadOptions { Range = ByteRange.Suffix(count) };
        if (!Supports(StorageCapabilities.RangeRead))
        {
            await AssertUnsupportedAsync(async () => await LoadAsync("suffix", options), nameof(StorageCapabilities.RangeRead));
            return;
        }

        Assert.Equal(content[Math.Max(0, 30 - count)..], await LoadAsync("suffix", options));
    }

    /// <summary>Catalogue 24: ranges over an empty object are empty.</summary>
    [SkippableFact]
    public async Task Ranges_over_an_empty_object_are_empty()
    {
        SkipUnless(StorageCapabilities.RangeRead, "there are no ranged reads (the refusal is checked by Middle_range_returns_exactly_those_bytes)");
        await SaveAsync("empty", []);

        Assert.Empty(await LoadAsync("empty", new ReadOptions { Range = ByteRange.Suffix(5) }));
        Assert.Empty(await LoadAsync("empty", new ReadOptions { Range = ByteRange.From(0, 5) }));
    }

    /// <summary>Catalogue 25: reading part of an object and disposing the stream changes nothing.</summary>
    [Fact]
    public async Task Reading_part_of_an_object_and_disposing_changes_nothing()
    {
        var content = Content((3 * ChunkSize) + 7);
        var saved = await SaveAsync("partial", content);

        await using (var result = await Engine.OpenReadAsync("partial"))
        {
            var buffer = new byte[10];
            int read = await result.Content.ReadAsync(buffer);
            Assert.InRange(read, 1, 10);
            Assert.Equal(content[..read], buffer[..read]);
        }

        Assert.Equal(saved, await Engine.StatAsync("partial"));
        await AssertContentAsync("partial", content);
    }

    /// <summary>Catalogue 25: a ranged load of a missing key throws NotFound.</summary>
    [SkippableFact]
    public async Task Ranged_load_of_missing_key_throws_NotFound()
    {
        var options = new ReadOptions { Range = ByteRange.From(0, 1) };
        SkipUnless(StorageCapabilities.RangeRead, "there are no ranged reads (the refusal is checked by Middle_range_returns_exactly_those_bytes)");

        await AssertFailsAsync(StorageErrorCode.NotFound, async () => await LoadAsync("missing", options));
    }
}
