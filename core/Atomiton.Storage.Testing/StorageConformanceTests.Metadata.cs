namespace Atomiton.Storage.Testing;

// Catalogue 35–38: metadata. (38, checksums, does not apply: the contract declares no checksum capability.)
public abstract partial class StorageConformanceTests
{
    /// <summary>Catalogue 35: user metadata round-trips and is replaced as a whole — saving {a, b} then {a} leaves only a.</summary>
    [Fact]
    public async Task User_metadata_round_trips_and_is_replaced_as_a_whole()
    {
        var both = new Dictionary<string, string> { ["a"] = "1", ["b"] = "two words, ünïcødé" };
        if (!Supports(StorageCapabilities.UserMetadata))
        {
            await AssertUnsupportedAsync(async () => await SaveAsync("meta", Content(3), new SaveOptions { Metadata = both }), nameof(StorageCapabilities.UserMetadata));
            await AssertAbsentAsync("meta");
            return;
        }

        await SaveAsync("meta", Content(3), new SaveOptions { Metadata = both });
        Assert.Equal(both, (await Engine.StatAsync("meta")).Metadata);

        await SaveAsync("meta", Content(3), new SaveOptions { Metadata = new Dictionary<string, string> { ["a"] = "1" } });
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1" }, (await Engine.StatAsync("meta")).Metadata);

        await SaveAsync("meta", Content(3));
        Assert.Empty((await Engine.StatAsync("meta")).Metadata);
    }

    /// <summary>Catalogue 35: metadata is returned by load and listing as by stat.</summary>
    [SkippableFact]
    public async Task User_metadata_is_returned_by_load_and_listing()
    {
        SkipUnless(StorageCapabilities.UserMetadata, "there is no user metadata to return (the refusal is checked by User_metadata_round_trips_and_is_replaced_as_a_whole)");

        var metadata = new Dictionary<string, string> { ["owner"] = "grace", ["rev.no"] = "7", ["empty-value"] = "" };
        await SaveAsync("meta/doc", Content(3), new SaveOptions { Metadata = metadata });

        await using (var result = await Engine.OpenReadAsync("meta/doc"))
        {
            Assert.Equal(metadata, result.Item.Metadata);
        }

        Assert.Equal(metadata, (await ListAsync(new ListOptions { Prefix = "meta/" })).Single().Item!.Metadata);
    }

    /// <summary>Catalogue E-5: metadata breaking the rules (name case or characters, control characters, lengths) is refused with InvalidArgument naming the entry, and nothing is written.</summary>
    [Theory]
    [InlineData("Upper", "v")]
    [InlineData("with space", "v")]
    [InlineData("", "v")]
    [InlineData("ok", "line\nbreak")]
    [InlineData("ok", null)]
    public async Task Invalid_metadata_is_refused_with_InvalidArgument_and_writes_nothing(string name, string? value)
    {
        var original = Content(4);
        var existing = await SaveAsync("meta/existing", original);
        var metadata = new Dictionary<string, string> { [name] = value! };

        if (!Supports(StorageCapabilities.UserMetadata))
        {
            await AssertUnsupportedAsync(async () => await SaveAsync("meta/new", Content(1), new SaveOptions { Metadata = metadata }), nameof(StorageCapabilities.UserMetadata));
            await AssertAbsentAsync("meta/new");
            await AssertUnchangedAsync(existing, original);
            return;
        }

        var error = await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () => await SaveAsync("meta/new", Content(1), new SaveOptions { Metadata = metadata }));
        Assert.Contains("meta/new", error.Message, StringComparison.Ordinal);
        await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () => await SaveAsync("meta/existing", Content(1), new SaveOptions { Metadata = metadata }));

        await AssertAbsentAsync("meta/new");
        await AssertUnchangedAsync(existing, original);
    }

    /// <summary>Catalogue E-6: metadata over the length limits is refused with InvalidArgument and writes nothing.</summary>
    [SkippableFact]
    public async Task Oversized_metadata_is_refused_with_InvalidArgument()
    {
        SkipUnless(StorageCapabilities.UserMetadata, "there is no user metadata to oversize (the refusal is checked by User_metadata_round_trips_and_is_replaced_as_a_whole)");

        var longName = new Dictionary<string, string> { [new string('n', StorageMetadata.MaxNameLength + 1)] = "v" };
        var longValue = new Dictionary<string, string> { ["v"] = new string('v', StorageMetadata.MaxValueLength + 1) };
        var tooMuch = Enumerable.Range(0, 10).ToDictionary(i => $"k{i}", _ => new string('v', StorageMetadata.MaxValueLength - 2));
        // An engine may declare a smaller entry limit (Drive's app properties: 124 bytes); the kit reads it.
        int nameLength = StorageMetadata.MaxNameLength;
        int valueLength = StorageMetadata.MaxValueLength;
        var oversized = new List<Dictionary<string, string>> { longName, longValue, tooMuch };
        if ((await Engine.GetInfoAsync()).Limits.MaxMetadataEntryBytes is { } entryBytes && entryBytes < nameLength + valueLength)
        {
            nameLength = Math.Min(nameLength, entryBytes / 2);
            valueLength = entryBytes - nameLength;
            oversized.Add(new Dictionary<string, string> { [new string('n', nameLength)] = new string('v', valueLength + 1) });
        }

        var atLimits = new Dictionary<string, string> { [new string('n', nameLength)] = new string('v', valueLength) };

        foreach (var metadata in oversized)
        {
            await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () => await SaveAsync("meta/big", Content(1), new SaveOptions { Metadata = metadata }));
        }

        await AssertAbsentAsync("meta/big");
        await SaveAsync("meta/at-limits", Content(1), new SaveOptions { Metadata = atLimits });
        Assert.Equal(atLimits, (await Engine.StatAsync("meta/at-limits")).Metadata);
    }

    /// <summary>Catalogue 36: the content type round-trips and is replaced (or cleared) by the next save.</summary>
    [Fact]
    public async Task Content_type_round_trips_and_is_replaced_by_the_next_save()
    {
        if (!Supports(StorageCapabilities.ContentType))
        {
            await AssertUnsupportedAsync(async () => await SaveAsync("typed", Content(2), new SaveOptions { ContentType = "text/plain" }), nameof(StorageCapabilities.ContentType));
            await AssertAbsentAsync("typed");
            Assert.Null((await SaveAsync("typed", Content(2))).ContentType);
            return;
        }

        await SaveAsync("typed", Content(2), new SaveOptions { ContentType = "application/json; charset=utf-8" });
        Assert.Equal("application/json; charset=utf-8", (await Engine.StatAsync("typed")).ContentType);

        await SaveAsync("typed", Content(2), new SaveOptions { ContentType = "text/csv" });
        Assert.Equal("text/csv", (await Engine.StatAsync("typed")).ContentType);

        await SaveAsync("typed", Content(2));
        Assert.Null((await Engine.StatAsync("typed")).ContentType);
    }

    /// <summary>Catalogue 37: times are sane (near now), Created is kept across overwrites and Updated never goes back.</summary>
    [Fact]
    public async Task Times_are_sane_created_is_kept_and_updated_is_monotonic()
    {
        var before = DateTimeOffset.UtcNow;
        var first = await SaveAsync("timed", Content(1));

        var tolerance = TimeSpan.FromMinutes(5);
        Assert.InRange(first.Updated, before - tolerance, DateTimeOffset.UtcNow + tolerance);
        Assert.True(first.Created <= first.Updated, "Created is never after Updated");

        var previous = first;
        for (int i = 0; i < 5; i++)
        {
            var next = await SaveAsync("timed", Content(1, seed: i));
            Assert.True(next.Updated >= previous.Updated, $"Updated went back from {previous.Updated:O} to {next.Updated:O}");
            if (KeepsCreatedAcrossOverwrites)
            {
                Assert.Equal(first.Created, next.Created);
            }

            previous = next;
        }
    }

    /// <summary>
    /// Catalogue C-1: Updated never goes back, even if the clock does — an engine built over the kit's
    /// <see cref="Clock"/> keeps Updated monotonic when the clock is moved an hour back between two saves,
    /// and keeps Created. Skipped for engines that do not take the kit's clock (<see cref="EngineTakesClock"/>).
    /// </summary>
    [SkippableFact]
    public async Task Updated_never_goes_back_even_if_the_clock_does()
    {
        Skip.IfNot(EngineTakesClock, $"{Engine.EngineType} is not built over the kit's Clock (override EngineTakesClock and pass Clock to the engine when it takes a TimeProvider): the kit cannot move its time back.");

        var first = await SaveAsync("clocked", Content(1));
        MoveClock(TimeSpan.FromHours(-1));
        var second = await SaveAsync("clocked", Content(2));
        MoveClock(TimeSpan.FromHours(-1));
        var third = await SaveAsync("clocked", Content(3));

        Assert.True(second.Updated >= first.Updated, $"Updated went back from {first.Updated:O} to {second.Updated:O} when the clock went back an hour.");
        Assert.True(third.Updated >= second.Updated, $"Updated went back from {second.Updated:O} to {third.Updated:O} when the clock went back another hour.");
        Assert.Equal(third, await Engine.StatAsync("clocked"));
        if (KeepsCreatedAcrossOverwrites)
        {
            Assert.Equal(first.Created, third.Created);
        }

        Assert.True(third.Created <= third.Updated, "Created is never after Updated");
    }
}
