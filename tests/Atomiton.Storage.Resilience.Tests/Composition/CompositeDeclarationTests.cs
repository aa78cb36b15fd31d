using Atomiton.Storage.Memory;
using Atomiton.Storage.Resilience.Failover;
using Atomiton.Storage.Resilience.Mirror;

namespace Atomiton.Storage.Resilience.Tests.Composition;

/// <summary>
/// Failover and mirror serve calls from several members: abilities AND, restrictions OR, the most restrictive
/// key rules, no change feed (each member has its own cursors), and listings that resume the right way.
/// </summary>
public sealed class CompositeDeclarationTests
{
    private static readonly StorageKeyRules CaseFolding = new()
    {
        CaseInsensitive = true,
        MaxKeyBytes = 400,
        MaxSegmentBytes = 255,
        ForbiddenCharacters = "\"*:<>?\\|",
        ForbiddenTrailingCharacters = ". ",
        ReservedNames = ["CON", "NUL"],
        ObjectAndFolderMayShareName = false,
    };

    public static TheoryData<string> Stages => ["failover", "mirror"];

    // Review probe 3: a case-sensitive primary with a case-folding secondary must not claim case-sensitivity.
    [Theory]
    [MemberData(nameof(Stages))]
    public async Task A_case_insensitive_secondary_makes_the_stage_declare_CaseInsensitiveKeys(string stage)
    {
        await using var engine = Compose(stage, new MemoryEngine(), new DeclaringEngine(new MemoryEngine(), StorageTraits.CaseInsensitiveKeys, CaseFolding));

        Assert.True(engine.Traits.HasFlag(StorageTraits.CaseInsensitiveKeys));
        Assert.True(engine.KeyRules.CaseInsensitive);
        var info = await engine.GetInfoAsync();
        Assert.True(info.Traits.HasFlag(StorageTraits.CaseInsensitiveKeys));
        Assert.True(info.KeyRules.CaseInsensitive);
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task Key_rules_are_the_most_restrictive_combination_and_refuse_what_one_member_cannot_store(string stage)
    {
        var secondRules = new StorageKeyRules { MaxKeyBytes = 300, MaxSegmentBytes = 400, ForbiddenCharacters = "#*", ReservedNames = ["aux", "con"], UnicodeNormalization = "NFC" };
        await using var engine = Compose(stage, new DeclaringEngine(new MemoryEngine(), StorageTraits.None, CaseFolding), new DeclaringEngine(new MemoryEngine(), StorageTraits.None, secondRules));

        var rules = engine.KeyRules;
        Assert.Equal(300, rules.MaxKeyBytes);
        Assert.Equal(255, rules.MaxSegmentBytes);
        Assert.True(rules.CaseInsensitive);
        Assert.True(rules.PreservesCase);
        Assert.False(rules.ObjectAndFolderMayShareName);
        Assert.Equal("NFC", rules.UnicodeNormalization);
        Assert.Equal("\"*:<>?\\|#", rules.ForbiddenCharacters);
        Assert.Equal(". ", rules.ForbiddenTrailingCharacters);
        Assert.Equal(["CON", "NUL", "aux"], rules.ReservedNames);
        Assert.Equal(rules.MaxKeyBytes, (await engine.GetInfoAsync()).KeyRules.MaxKeyBytes);

        var refused = await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("docs/a#b", new byte[] { 1 }).AsTask());
        Assert.Equal(StorageErrorCode.UnrepresentableKey, refused.Code);
        Assert.False(await engine.ExistsAsync("docs/x"));
        await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("AUX.txt", new byte[] { 1 }).AsTask());
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task Members_that_accept_every_key_give_the_default_rules(string stage)
    {
        await using var engine = Compose(stage, new MemoryEngine(), new MemoryEngine());

        Assert.Same(StorageKeyRules.Default, engine.KeyRules);
        Assert.Equal(StorageTraits.None, engine.Traits);
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task The_change_feed_is_dropped_and_refused(string stage)
    {
        const StorageCapabilities Feed = StorageCapabilities.ChangeFeed | StorageCapabilities.ChangeFeedWait;
        await using var engine = Compose(stage, new DeclaringEngine(new MemoryEngine(), StorageTraits.None, null, Feed), new DeclaringEngine(new MemoryEngine(), StorageTraits.None, null, Feed));

        Assert.Equal(StorageCapabilities.None, engine.Capabilities & Feed);
        var refused = await Assert.ThrowsAsync<StorageException>(() => engine.GetChangeCursorAsync().AsTask());
        Assert.Equal(StorageErrorCode.UnsupportedOperation, refused.Code);
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task An_unordered_member_makes_the_stage_unordered(string stage)
    {
        await using var engine = Compose(stage, new MemoryEngine(), new UnorderedTokenEngine(new MemoryEngine(), seed: 3));

        Assert.False(engine.Capabilities.HasFlag(StorageCapabilities.OrderedList));
        Assert.True(engine.Capabilities.HasFlag(StorageCapabilities.List));
        Assert.True(engine.Traits.HasFlag(StorageTraits.UnorderedListing));
        var refused = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await foreach (var _ in engine.ListAsync(new ListOptions { StartAfter = "a" }))
            {
            }
        });
        Assert.Equal(StorageErrorCode.UnsupportedOperation, refused.Code);
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task An_unordered_stage_listing_resumes_by_its_own_tokens_exactly_once(string stage)
    {
        var primary = new MemoryEngine();
        var secondary = new MemoryEngine();
        var keys = Enumerable.Range(0, 40).Select(i => $"k/{i:D2}").ToList();
        foreach (var key in keys)
        {
            await primary.SaveAsync(key, new byte[] { 1 });
            await secondary.SaveAsync(key, new byte[] { 1 });
        }

        await using var engine = Compose(stage, new UnorderedTokenEngine(primary, seed: 11), new UnorderedTokenEngine(secondary, seed: 12));
        var seen = new List<string>();
        string? token = null;
        do
        {
            // Read a few entries at a time, then resume from the last one's token.
            int taken = 0;
            string? next = null;
            await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "k/", ContinuationToken = token }))
            {
                seen.Add(entry.Key);
                next = entry.ContinuationToken;
                Assert.NotNull(next);
                if (++taken == 7)
                {
                    break;
                }
            }

            token = taken == 7 ? next : null;
        }
        while (token is not null);

        Assert.Equal(keys, seen.Order(StringComparer.Ordinal));
        Assert.NotEqual(keys, seen);
        var bad = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await foreach (var _ in engine.ListAsync(new ListOptions { ContinuationToken = "9:tok.x" }))
            {
            }
        });
        Assert.Equal(StorageErrorCode.InvalidArgument, bad.Code);
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task An_unordered_listing_that_breaks_part_way_is_not_continued_on_another_member(string stage)
    {
        var primary = new MemoryEngine();
        var secondary = new MemoryEngine();
        for (int i = 0; i < 10; i++)
        {
            await primary.SaveAsync($"k{i}", new byte[] { 1 });
            await secondary.SaveAsync($"k{i}", new byte[] { 1 });
        }

        await using var engine = Compose(stage, new UnorderedTokenEngine(primary, seed: 5, failAfter: 4), new UnorderedTokenEngine(secondary, seed: 6));
        var seen = new List<StorageEntry>();
        var error = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await foreach (var entry in engine.ListAsync())
            {
                seen.Add(entry);
            }
        });

        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.Contains("ContinuationToken", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, seen.Count);

        // Resuming with the last token goes back to the member that issued it and lists the rest exactly once.
        await foreach (var entry in engine.ListAsync(new ListOptions { ContinuationToken = seen[^1].ContinuationToken }))
        {
            seen.Add(entry);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"k{i}"), seen.Select(entry => entry.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_mirror_deletes_a_batch_on_every_member()
    {
        var a = new MemoryEngine();
        var b = new MemoryEngine();
        await using var engine = new MirrorEngine(a, [new("b", b)]);
        for (int i = 0; i < 5; i++)
        {
            await engine.SaveAsync($"k{i}", new byte[] { 1 });
        }

        var results = await engine.DeleteManyAsync(["k0", "k1", "k2", "missing"]);

        Assert.Equal([true, true, true, false], results.Select(result => result.Deleted));
        Assert.All(results, result => Assert.Null(result.Error));
        Assert.False(await b.ExistsAsync("k0"));
        Assert.False(await a.ExistsAsync("k2"));
        Assert.True(await b.ExistsAsync("k3"));
    }

    [Fact]
    public async Task A_failover_batch_delete_served_by_the_secondary_is_recorded_as_diverged()
    {
        var primary = new Atomiton.Storage.Mock.MockEngine();
        var secondary = new MemoryEngine();
        await secondary.SaveAsync("k1", new byte[] { 1 });
        await using var engine = new FailoverEngine(primary, [new("backup", secondary)]);
        using var outage = primary.Faults.FailAll(StorageErrorCode.NetworkError);

        var results = await engine.DeleteManyAsync(["k1", "k2"]);

        Assert.All(results, result => Assert.Null(result.Error));
        Assert.Equal([true, false], results.Select(result => result.Deleted));
        Assert.False(await secondary.ExistsAsync("k1"));
        Assert.Equal(["k1", "k2"], engine.DivergedKeys);
    }

    private static IStorageEngine Compose(string stage, IStorageEngine primary, IStorageEngine secondary) => stage switch
    {
        "failover" => new FailoverEngine(primary, [new("second", secondary)]),
        _ => new MirrorEngine(primary, [new("second", secondary)]),
    };

    /// <summary>A pass-through that declares the given traits, key rules and extra capabilities.</summary>
    private sealed class DeclaringEngine(IStorageEngine inner, StorageTraits traits, StorageKeyRules? rules, StorageCapabilities extra = StorageCapabilities.None) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "declaring";

        public override StorageCapabilities Capabilities => base.Capabilities | extra;

        public override StorageTraits Traits => traits;

        public override StorageKeyRules KeyRules => rules ?? StorageKeyRules.Default;
    }
}
