using System.Text;

namespace Atomiton.Storage.Testing;

// Catalogue 16–20: keys; K-1–K-4: the engine's declared key rules; T-3–T-5: case-insensitive engines.
public abstract partial class StorageConformanceTests
{
    /// <summary>Keys with special characters (catalogue 16).</summary>
    public static TheoryData<string> SpecialCharacterKeys => new(SpecialCharacterKeysList);

    private static readonly string[] SpecialCharacterKeysList =
    [
        "with space/file name.txt",
        "punctuation/!@#$%^&()_+-=;',.",
        "brackets/[0]/{10}",
        "quotes/\"double\" and 'single' and `back`",
        "markup/< > & ? + ≠",
        "accents/êé àç ñ",
        "cjk/世界/文件.json",
        "emoji/😀 🚀/🎉.txt",
        "deep/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z",
        "percent/%20%2F%25",
        "colon:and|pipe*star?question",
    ];

    /// <summary>Edge names that must round-trip exactly, never altered (catalogue 17).</summary>
    public static TheoryData<string> EdgeNameKeys => new(EdgeNameKeysList);

    private static readonly string[] EdgeNameKeysList =
    [
        " leading space",
        "trailing space ",
        "trailing dot.",
        "dir./trailing dot segment",
        "~tilde",
        ".hidden",
        "..double-dot-prefix",
        "...",
        "%2e%2e",
        "%2e%2e/%2f",
        "CON",
        "aux.txt",
        "nul",
        "folder/PRN.json",
        "COM1",
        "-dash",
    ];

    /// <summary>
    /// Keys every engine refuses with InvalidKey (catalogue 18), by name: xunit serialises theory data
    /// as text, which would mangle control characters and unpaired surrogates.
    /// </summary>
    public static TheoryData<string> InvalidKeys => new(InvalidKeyList.Keys.Order(StringComparer.Ordinal));

    private static readonly Dictionary<string, string> InvalidKeyList = new(StringComparer.Ordinal)
    {
        ["empty"] = "",
        ["leading-slash"] = "/a",
        ["only-slash"] = "/",
        ["empty-segment"] = "a//b",
        ["trailing-slash"] = "a/",
        ["dot"] = ".",
        ["dot-dot"] = "..",
        ["dot-segment"] = "a/./b",
        ["dot-dot-segment"] = "a/../b",
        ["dot-dot-first"] = "../escape",
        ["dot-dot-last"] = "a/..",
        ["backslash"] = "a\\b",
        ["only-backslash"] = "\\",
        ["control-character"] = "a\u0001b",
        ["tab"] = "tab\tkey",
        ["newline"] = "new\nline",
        ["nul"] = "nul\0byte",
        ["delete-character"] = "del\u007Fchar",
        ["unpaired-high-surrogate"] = "\uD800unpaired",
        ["unpaired-low-surrogate"] = "unpaired\uDC00",
        ["reversed-surrogates"] = "\uDE00\uD83D",
        ["key-over-1024-bytes"] = new string('k', StorageKey.MaxKeyBytes + 1),
        ["key-over-1024-bytes-in-short-segments"] = string.Join('/', Enumerable.Repeat(new string('s', 200), 6)),
        ["segment-over-255-bytes"] = new string('x', StorageKey.MaxSegmentBytes + 1),
        ["segment-over-255-utf8-bytes"] = new string('é', (StorageKey.MaxSegmentBytes / 2) + 1),
    };

    /// <summary>
    /// Catalogue 16 and K-3: special characters round-trip and list back exactly — or, when the engine's declared key
    /// rules cannot store the key, the save is refused with UnrepresentableKey and nothing is written.
    /// </summary>
    [Theory]
    [MemberData(nameof(SpecialCharacterKeys))]
    public async Task Special_character_keys_round_trip_and_list_back_exactly(string key)
    {
        var content = System.Text.Encoding.UTF8.GetBytes(key);
        if (!Representable(key))
        {
            await AssertUnrepresentableAsync(key);
            return;
        }

        var saved = await SaveAsync(key, content);

        Assert.Equal(key, saved.Key);
        await AssertContentAsync(key, content);
        Assert.Equal(key, (await Engine.StatAsync(key)).Key);
        Assert.True(await Engine.ExistsAsync(key));
        Assert.Equal([key], await ListKeysAsync());
        Assert.Equal([key], await ListKeysAsync(StorageKey.ParentPrefix(key)));
    }

    /// <summary>Catalogue 16: many special-character keys side by side list back exactly (in ordinal order where ordered); keys the rules cannot store are left out.</summary>
    [Fact]
    public async Task Special_character_keys_side_by_side_list_back_exactly_in_ordinal_order()
    {
        var keys = OrderingKeys(SpecialCharacterKeysList.Concat(EdgeNameKeysList));
        foreach (var key in keys)
        {
            await SaveAsync(key, System.Text.Encoding.UTF8.GetBytes(key));
        }

        await AssertListedAsync(keys);
    }

    /// <summary>Catalogue 17 and K-3: edge names round-trip exactly (never trimmed, decoded or refused) — unless the engine's declared rules forbid them: then UnrepresentableKey, nothing written.</summary>
    [Theory]
    [MemberData(nameof(EdgeNameKeys))]
    public async Task Edge_name_keys_round_trip_exactly(string key)
    {
        if (!Representable(key))
        {
            await AssertUnrepresentableAsync(key);
            return;
        }

        var content = Content(17);
        await SaveAsync(key, content);

        await AssertContentAsync(key, content);
        Assert.Equal(key, (await Engine.StatAsync(key)).Key);
        Assert.Equal([key], await ListKeysAsync());
    }

    /// <summary>Catalogue 18: invalid keys are refused with InvalidKey by every operation, naming the rule, and nothing changes.</summary>
    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public async Task Invalid_keys_are_refused_with_InvalidKey_by_every_operation(string name)
    {
        var key = InvalidKeyList[name];
        var valid = await SaveAsync("valid", Content(4));
        Assert.False(StorageKey.IsValid(key, out var rule), "the kit's invalid key is valid by the contract");

        var error = await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await SaveAsync(key, Content(4)), "save");
        Assert.Contains(rule!, error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.SaveAsync(key, new SourceStream(4)), "save of a stream");
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.OpenReadAsync(key), "load");
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.StatAsync(key), "stat");
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.ExistsAsync(key), "exists");
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.DeleteAsync(key), "delete");
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.CopyAsync("valid", key), "copy destination");
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.CopyAsync(key, "valid-copy"), "copy source");
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.MoveAsync("valid", key), "move destination");

        await AssertUnchangedAsync(valid, Content(4));
        Assert.Equal(["valid"], await ListKeysAsync());
    }

    /// <summary>Catalogue 18: a null key is refused with InvalidKey, like any other invalid key.</summary>
    [Fact]
    public async Task Null_key_is_refused_with_InvalidKey()
    {
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await SaveAsync(null!, Content(1)));
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.StatAsync(null!));
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.ExistsAsync(null!));
        Assert.Empty(await ListKeysAsync());
    }

    /// <summary>Catalogue 18: invalid listing prefixes are refused with InvalidKey; a prefix may end with '/' or mid-segment.</summary>
    [Theory]
    [InlineData("/a")]
    [InlineData("a//b")]
    [InlineData("a/../b")]
    [InlineData("a\\b")]
    [InlineData("ctrl\u0002")]
    public async Task Invalid_listing_prefixes_are_refused_with_InvalidKey(string prefix) =>
        await AssertFailsAsync(StorageErrorCode.InvalidKey, () => ListAsync(new ListOptions { Prefix = prefix }));

    /// <summary>
    /// Catalogue 18 and K-1: the longest keys the engine declares (<see cref="StorageKeyRules.MaxKeyBytes"/> and
    /// <see cref="StorageKeyRules.MaxSegmentBytes"/>, at most the grammar's 1024 and 255 UTF-8 bytes) are accepted,
    /// with multi-byte characters, and list back exactly.
    /// </summary>
    [Fact]
    public async Task Longest_valid_keys_are_accepted()
    {
        var rules = Engine.KeyRules;
        int maxKey = Math.Min(rules.MaxKeyBytes, StorageKey.MaxKeyBytes);
        int maxSegment = Math.Min(Math.Min(rules.MaxSegmentBytes, StorageKey.MaxSegmentBytes), maxKey);
        var longest = KeyOfBytes(maxKey, maxSegment, 'a');
        var widestSegment = WideSegment(maxSegment);
        var keys = new[] { longest, widestSegment }.Distinct(StringComparer.Ordinal).ToList();
        foreach (var key in keys)
        {
            Assert.True(StorageKey.IsValid(key, out var problem), problem);
            Assert.True(rules.Explain(key) is null, $"the kit built a key its rules refuse: {rules.Explain(key)}");
            await SaveAsync(key, Content(2));
            Assert.True(await Engine.ExistsAsync(key));
            Assert.Equal(key, (await Engine.StatAsync(key)).Key);
        }

        await AssertListedAsync(keys);
    }

    /// <summary>
    /// Catalogue K-2: a key one byte beyond the declared <see cref="StorageKeyRules.MaxKeyBytes"/> (or a segment one byte
    /// beyond <see cref="StorageKeyRules.MaxSegmentBytes"/>) but within the grammar is refused with UnrepresentableKey by
    /// every operation, and nothing changes. Skipped when the engine declares the grammar's own limits (beyond them a key
    /// is invalid: catalogue 18).
    /// </summary>
    [SkippableFact]
    public async Task Keys_beyond_the_declared_lengths_are_refused_with_UnrepresentableKey()
    {
        var rules = Engine.KeyRules;
        var beyond = new List<string>();
        if (rules.MaxKeyBytes < StorageKey.MaxKeyBytes)
        {
            beyond.Add(KeyOfBytes(rules.MaxKeyBytes + 1, Math.Min(rules.MaxSegmentBytes, StorageKey.MaxSegmentBytes), 'k'));
        }

        if (rules.MaxSegmentBytes < StorageKey.MaxSegmentBytes && rules.MaxSegmentBytes + 1 <= rules.MaxKeyBytes)
        {
            beyond.Add(new string('s', rules.MaxSegmentBytes + 1));
            beyond.Add("dir/" + WideSegment(rules.MaxSegmentBytes + 1));
        }

        Skip.If(beyond.Count == 0, $"{Engine.EngineType} declares keys of {rules.MaxKeyBytes} bytes and segments of {rules.MaxSegmentBytes}, the grammar's own limits: a longer key is invalid (checked by Invalid_keys_are_refused_with_InvalidKey_by_every_operation).");
        foreach (var key in beyond)
        {
            Assert.True(StorageKey.IsValid(key, out var problem), problem);
            Assert.NotNull(rules.Explain(key));
            await AssertUnrepresentableAsync(key);
        }
    }

    /// <summary>
    /// Catalogue K-3: keys with a character the declared rules forbid (anywhere, at the start or at the end of a
    /// segment) or a reserved name (alone or before a dot, in any case) are refused with UnrepresentableKey by every
    /// operation, naming why, and nothing changes. Skipped for engines whose rules forbid nothing beyond the grammar.
    /// </summary>
    [SkippableFact]
    public async Task Forbidden_characters_and_reserved_names_are_refused_with_UnrepresentableKey()
    {
        var rules = Engine.KeyRules;
        var refused = new List<string>();
        refused.AddRange(rules.ForbiddenCharacters.Select(c => $"bad/x{c}y"));
        refused.AddRange(rules.ForbiddenLeadingCharacters.Select(c => $"bad/{c}x"));
        refused.AddRange(rules.ForbiddenTrailingCharacters.Select(c => $"bad/x{c}"));
        refused.AddRange(rules.ReservedNames.SelectMany(name => new[] { $"bad/{name}", $"{name.ToLowerInvariant()}.txt" }));
        refused = [.. refused.Where(key => StorageKey.IsValid(key, out _)).Distinct(StringComparer.Ordinal)];
        Skip.If(refused.Count == 0, $"{Engine.EngineType}'s key rules forbid no characters and reserve no names: every character the grammar allows can be stored (checked by the special-character and edge-name cases).");

        foreach (var key in refused)
        {
            Assert.NotNull(rules.Explain(key));
            await AssertUnrepresentableAsync(key);
        }
    }

    /// <summary>Catalogue 19 and T-3: keys differing only in case are two keys, unless the engine declares case-insensitivity (then they name one object, spelt as first saved).</summary>
    [Fact]
    public async Task Keys_differing_only_in_case_are_two_keys_unless_declared_case_insensitive()
    {
        await SaveAsync("File.json", Content(10, seed: 1));
        await SaveAsync("file.json", Content(20, seed: 2));

        if (Has(StorageTraits.CaseInsensitiveKeys))
        {
            Assert.Equal(["File.json"], await ListKeysAsync());
            await AssertContentAsync("File.json", Content(20, seed: 2));
            await AssertContentAsync("FILE.JSON", Content(20, seed: 2));
            return;
        }

        await AssertContentAsync("File.json", Content(10, seed: 1));
        await AssertContentAsync("file.json", Content(20, seed: 2));
        Assert.False(await Engine.ExistsAsync("FILE.JSON"), "a third spelling names no object on a case-sensitive engine");
        AssertListed(["File.json", "file.json"], await ListKeysAsync());
    }

    /// <summary>
    /// Catalogue T-3: on a case-insensitive engine the spelling of the first save is kept — by overwrites through another
    /// spelling, by stat, load and listing — until the object is deleted; the next save then sets the spelling anew.
    /// </summary>
    [SkippableFact]
    public async Task Case_insensitive_engines_keep_the_spelling_of_the_first_save()
    {
        SkipUnlessCaseInsensitive();

        var first = await SaveAsync("Docs/Readme.md", Content(5, seed: 1));
        Assert.Equal("Docs/Readme.md", first.Key);
        var second = await SaveAsync("docs/README.md", Content(6, seed: 2));

        Assert.Equal("Docs/Readme.md", second.Key);
        Assert.Equal("Docs/Readme.md", (await Engine.StatAsync("DOCS/readme.MD")).Key);
        Assert.True(await Engine.ExistsAsync("docs/readme.md"));
        await using (var read = await Engine.OpenReadAsync("docs/readme.md"))
        {
            Assert.Equal("Docs/Readme.md", read.Item.Key);
        }

        await AssertContentAsync("docs/readme.md", Content(6, seed: 2));
        Assert.Equal(["Docs/Readme.md"], await ListKeysAsync());

        if (Supports(StorageCapabilities.Delete))
        {
            Assert.True(await Engine.DeleteAsync("DOCS/README.MD"));
            await AssertAbsentAsync("Docs/Readme.md");
            Assert.Equal("docs/readme.md", (await SaveAsync("docs/readme.md", Content(7, seed: 3))).Key);
            Assert.Equal(["docs/readme.md"], await ListKeysAsync());
        }
    }

    /// <summary>
    /// Catalogue T-4: on a case-insensitive engine listing prefixes compare ordinally against the kept spelling: the
    /// kept spelling's prefix lists the object once, another spelling's prefix does not.
    /// </summary>
    [SkippableFact]
    public async Task Case_insensitive_engines_match_prefixes_against_the_kept_spelling()
    {
        SkipUnlessCaseInsensitive();

        await SaveAsync("Photos/Cat.jpg", Content(3, seed: 1));
        await SaveAsync("photos/cat.JPG", Content(4, seed: 2));
        await SaveAsync("Photos/dog.jpg", Content(5, seed: 3));

        await AssertListedAsync(["Photos/Cat.jpg", "Photos/dog.jpg"], "Photos/");
        await AssertListedAsync(["Photos/Cat.jpg"], "Photos/C");
        Assert.Empty(await ListKeysAsync("photos/"));
        Assert.Empty(await ListKeysAsync("Photos/c"));
        await AssertListedAsync(["Photos/Cat.jpg", "Photos/dog.jpg"]);
    }

    /// <summary>Catalogue T-5: on a case-insensitive engine a copy or move onto another spelling of the same key is a transfer onto itself: InvalidArgument, nothing changed.</summary>
    [SkippableFact]
    public async Task Case_insensitive_engines_refuse_a_transfer_onto_another_spelling_of_the_source()
    {
        SkipUnlessCaseInsensitive();

        var saved = await SaveAsync("Report.pdf", Content(8));
        await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () => await Engine.CopyAsync("Report.pdf", "report.PDF"), "copy onto another spelling of itself");
        await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () => await Engine.MoveAsync("Report.pdf", "REPORT.pdf"), "move onto another spelling of itself");

        await AssertUnchangedAsync(saved, Content(8));
        Assert.Equal(["Report.pdf"], await ListKeysAsync());
    }

    /// <summary>Catalogue 20: keys are not Unicode-normalised — the NFC and NFD spellings of é are two keys that list back exactly — unless the engine's rules declare a normalisation.</summary>
    [SkippableFact]
    public async Task NFC_and_NFD_spellings_are_two_different_keys()
    {
        var normalization = Engine.KeyRules.UnicodeNormalization;
        Skip.If(normalization is not null, $"{Engine.EngineType} declares that it normalises names to {normalization}: the two spellings name one object there.");
        string nfc = "caf\u00E9.txt";
        string nfd = "cafe\u0301.txt";
        Assert.Equal(nfc, nfd.Normalize(System.Text.NormalizationForm.FormC));

        await SaveAsync(nfc, Content(5, seed: 1));
        Assert.False(await Engine.ExistsAsync(nfd), "saving the NFC spelling must not create the NFD one");
        await SaveAsync(nfd, Content(6, seed: 2));

        await AssertContentAsync(nfc, Content(5, seed: 1));
        await AssertContentAsync(nfd, Content(6, seed: 2));
        AssertListed([nfc, nfd], await ListKeysAsync());
    }

    private void SkipUnlessCaseInsensitive() =>
        Skip.IfNot(Has(StorageTraits.CaseInsensitiveKeys), $"{Engine.EngineType} does not declare the trait CaseInsensitiveKeys: keys differing in case are two keys there (checked by Keys_differing_only_in_case_are_two_keys_unless_declared_case_insensitive).");

    /// <summary>Asserts that every operation refuses <paramref name="key"/> with UnrepresentableKey and that nothing changed.</summary>
    private async Task AssertUnrepresentableAsync(string key)
    {
        var witness = await SaveAsync("witness", Content(4, seed: 4));
        var before = await ListKeysAsync();

        var error = await AssertFailsAsync(StorageErrorCode.UnrepresentableKey, async () => await SaveAsync(key, Content(4)), $"save of '{key}'");
        Assert.Equal(key, error.Key);
        Assert.False(error.IsTransient, "an unrepresentable key is a permanent error");
        await AssertFailsAsync(StorageErrorCode.UnrepresentableKey, async () => await Engine.SaveAsync(key, new SourceStream(4)), $"save of a stream to '{key}'");
        await AssertFailsAsync(StorageErrorCode.UnrepresentableKey, async () => await Engine.CopyAsync("witness", key), $"copy to '{key}'");
        if (Supports(StorageCapabilities.Delete))
        {
            await AssertFailsAsync(StorageErrorCode.UnrepresentableKey, async () => await Engine.MoveAsync("witness", key), $"move to '{key}'");
            await AssertFailsAsync(StorageErrorCode.UnrepresentableKey, async () => await Engine.DeleteManyAsync(["witness", key]), $"batch delete with '{key}'");
        }

        await AssertUnchangedAsync(witness, Content(4, seed: 4));
        AssertListed(before, await ListKeysAsync(), $"after refusing '{key}'");
    }

    /// <summary>A key of exactly <paramref name="bytes"/> UTF-8 bytes, in segments of at most <paramref name="maxSegment"/> bytes.</summary>
    private static string KeyOfBytes(int bytes, int maxSegment, char fill)
    {
        var segments = new List<string>();
        int left = bytes;
        while (left > 0)
        {
            // A segment, then a separator if more follows; never leave a last segment of zero bytes.
            int take = Math.Min(maxSegment, left);
            if (left > take && left - take - 1 < 1)
            {
                take--;
            }

            segments.Add(new string(fill, take));
            left -= take + 1;
        }

        return string.Join('/', segments);
    }

    /// <summary>A segment of exactly <paramref name="bytes"/> UTF-8 bytes made mostly of two-byte characters.</summary>
    private static string WideSegment(int bytes) => new string('é', bytes / 2) + (bytes % 2 == 1 ? "x" : string.Empty);
}
