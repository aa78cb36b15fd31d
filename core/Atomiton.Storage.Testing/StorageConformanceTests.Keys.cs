using System.Text;

namespace Atomiton.Storage.Testing;

// Catalogue 16–20: keys.
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

    /// <summary>Catalogue 16: special characters round-trip and list back exactly.</summary>
    [Theory]
    [MemberData(nameof(SpecialCharacterKeys))]
    public async Task Special_character_keys_round_trip_and_list_back_exactly(string key)
    {
        var content = Encoding.UTF8.GetBytes(key);
        var saved = await SaveAsync(key, content);

        Assert.Equal(key, saved.Key);
        await AssertContentAsync(key, content);
        Assert.Equal(key, (await Engine.StatAsync(key)).Key);
        Assert.True(await Engine.ExistsAsync(key));
        Assert.Equal([key], await ListKeysAsync());
        Assert.Equal([key], await ListKeysAsync(StorageKey.ParentPrefix(key)));
    }

    /// <summary>Catalogue 16: many special-character keys side by side list back exactly, in ordinal order.</summary>
    [Fact]
    public async Task Special_character_keys_side_by_side_list_back_exactly_in_ordinal_order()
    {
        var keys = SpecialCharacterKeysList.Concat(EdgeNameKeysList).ToList();
        foreach (var key in keys)
        {
            await SaveAsync(key, Encoding.UTF8.GetBytes(key));
        }

        keys.Sort(string.CompareOrdinal);
        Assert.Equal(keys, await ListKeysAsync());
    }

    /// <summary>Catalogue 17: edge names round-trip exactly (never trimmed, decoded or refused).</summary>
    [Theory]
    [MemberData(nameof(EdgeNameKeys))]
    public async Task Edge_name_keys_round_trip_exactly(string key)
    {
        var content = Content(17);
        await SaveAsync(key, content);

        await AssertContentAsync(key, content);
        Assert.Equal(key, (await Engine.StatAsync(key)).Key);
        Assert.Equal([key], await ListKeysAsync());
    }

    /// <summary>Catalogue 18: invalid keys are refused with InvalidKey by every operation, naming the rule, and nothing is written.</summary>
    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public async Task Invalid_keys_are_refused_with_InvalidKey_by_every_operation(string name)
    {
        var key = InvalidKeyList[name];
        await SaveAsync("valid", Content(4));
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

        Assert.Equal(["valid"], await ListKeysAsync());
    }

    /// <summary>Catalogue 18: a null key is refused with InvalidKey, like any other invalid key.</summary>
    [Fact]
    public async Task Null_key_is_refused_with_InvalidKey()
    {
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await SaveAsync(null!, Content(1)));
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.StatAsync(null!));
        await AssertFailsAsync(StorageErrorCode.InvalidKey, async () => await Engine.ExistsAsync(null!));
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
    /// Catalogue 18: the longest keys the engine declares it stores (the grammar's 1024 UTF-8 bytes and 255 per
    /// segment, or less as <see cref="StorageInfo.KeyRules"/> says, multi-byte characters) are accepted, and a
    /// valid key one byte over a declared shorter limit is UnrepresentableKey with nothing stored.
    /// </summary>
    [Fact]
    public async Task Longest_valid_keys_are_accepted()
    {
        var rules = (await Engine.GetInfoAsync()).KeyRules;
        int maxKey = Math.Min(rules.MaxKeyBytes, StorageKey.MaxKeyBytes);
        int maxSegment = Math.Min(Math.Min(rules.MaxSegmentBytes, StorageKey.MaxSegmentBytes), maxKey);
        var longest = KeyOfBytes(maxKey, maxSegment);
        var widestSegment = maxSegment % 2 == 1 ? new string('é', maxSegment / 2) + "x" : new string('é', maxSegment / 2); // 2 bytes per 'é'
        foreach (var key in new[] { longest, widestSegment })
        {
            Assert.True(StorageKey.IsValid(key, out var problem), problem);
            await SaveAsync(key, Content(2));
            Assert.True(await Engine.ExistsAsync(key));
        }

        Assert.Equal(2, (await ListKeysAsync()).Count);
        if (maxKey < StorageKey.MaxKeyBytes)
        {
            await AssertFailsAsync(StorageErrorCode.UnrepresentableKey, async () => await SaveAsync(KeyOfBytes(maxKey + 1, maxSegment), Content(2)));
            Assert.Equal(2, (await ListKeysAsync()).Count);
        }
    }

    /// <summary>A key of exactly <paramref name="bytes"/> ASCII bytes whose segments have at most <paramref name="segmentBytes"/>.</summary>
    private static string KeyOfBytes(int bytes, int segmentBytes)
    {
        var key = new System.Text.StringBuilder(bytes);
        while (key.Length < bytes)
        {
            int segment = Math.Min(segmentBytes, bytes - key.Length);
            if (key.Length + segment + 1 == bytes)
            {
                segment--; // leave room for a one-byte last segment rather than end with '/'
            }

            key.Append('a', segment);
            if (key.Length < bytes)
            {
                key.Append('/');
            }
        }

        return key.ToString();
    }

    /// <summary>Catalogue 19: keys differing only in case are two keys, unless the engine declares case-insensitivity (then they are one).</summary>
    [Fact]
    public async Task Keys_differing_only_in_case_are_two_keys_unless_declared_case_insensitive()
    {
        await SaveAsync("File.json", Content(10, seed: 1));
        await SaveAsync("file.json", Content(20, seed: 2));

        if (Engine.Traits.HasFlag(StorageTraits.CaseInsensitiveKeys))
        {
            Assert.Single(await ListKeysAsync());
            await AssertContentAsync("File.json", Content(20, seed: 2));
            return;
        }

        await AssertContentAsync("File.json", Content(10, seed: 1));
        await AssertContentAsync("file.json", Content(20, seed: 2));
        Assert.Equal(["File.json", "file.json"], await ListKeysAsync());
    }

    /// <summary>Catalogue 20: keys are not Unicode-normalised — the NFC and NFD spellings of é are two keys that list back exactly.</summary>
    [Fact]
    public async Task NFC_and_NFD_spellings_are_two_different_keys()
    {
        string nfc = "caf\u00E9.txt";
        string nfd = "cafe\u0301.txt";
        Assert.Equal(nfc, nfd.Normalize(NormalizationForm.FormC));

        await SaveAsync(nfc, Content(5, seed: 1));
        Assert.False(await Engine.ExistsAsync(nfd), "saving the NFC spelling must not create the NFD one");
        await SaveAsync(nfd, Content(6, seed: 2));

        await AssertContentAsync(nfc, Content(5, seed: 1));
        await AssertContentAsync(nfd, Content(6, seed: 2));
        var listed = await ListKeysAsync();
        Assert.Equal(2, listed.Count);
        Assert.Contains(nfc, listed);
        Assert.Contains(nfd, listed);
    }
}
