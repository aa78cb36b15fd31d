using System.Diagnostics;

namespace Atomiton.Storage.Testing;

public abstract partial class StorageConformanceTests
{
    /// <summary>Deterministic pseudo-random content of <paramref name="length"/> bytes.</summary>
    private protected static byte[] Content(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Whether the engine declares every capability in <paramref name="capabilities"/>.</summary>
    private protected bool Supports(StorageCapabilities capabilities) => (Engine.Capabilities & capabilities) == capabilities;

    /// <summary>Whether the engine declares the restriction <paramref name="trait"/>.</summary>
    private protected bool Has(StorageTraits trait) => (Engine.Traits & trait) == trait;

    /// <summary>Whether listings come in ordinal order (and honour StartAfter).</summary>
    private protected bool Ordered => Supports(StorageCapabilities.OrderedList);

    /// <summary>Whether the engine can store <paramref name="key"/> under its declared key rules.</summary>
    private protected bool Representable(string key) => Engine.KeyRules.Explain(key) is null;

    /// <summary>Skips the case unless the engine declares <paramref name="capabilities"/>; the reason names them and what the case needs them for.</summary>
    private protected void SkipUnless(StorageCapabilities capabilities, string why) =>
        Skip.IfNot(Supports(capabilities), $"{Engine.EngineType} does not declare {capabilities & ~Engine.Capabilities}: {why}");

    /// <summary>Skips the case when the engine declares the restriction <paramref name="trait"/>.</summary>
    private protected void SkipIf(StorageTraits trait, string why) =>
        Skip.If(Has(trait), $"{Engine.EngineType} declares the trait {trait}: {why}");

    private protected ValueTask<StorageItem> SaveAsync(string key, byte[] content, SaveOptions? options = null, CancellationToken cancellationToken = default) =>
        Engine.SaveAsync(key, new ReadOnlyMemory<byte>(content), options, cancellationToken);

    private protected ValueTask<byte[]> LoadAsync(string key, ReadOptions? options = null) => Engine.LoadBytesAsync(key, options);

    /// <summary>
    /// Lists with <paramref name="options"/>. A recursive listing on an engine that lists one "folder" at a time
    /// (<see cref="StorageCapabilities.ShallowList"/> without <see cref="StorageCapabilities.RecursiveList"/>) walks
    /// the shallow listings instead, so the cases observe every key either way.
    /// </summary>
    private protected async Task<List<StorageEntry>> ListAsync(ListOptions? options = null)
    {
        options ??= ListOptions.Default;
        await SettleAsync();
        var entries = new List<StorageEntry>();
        if (options.Recursive && !Supports(StorageCapabilities.RecursiveList) && Supports(StorageCapabilities.ShallowList)
            && options.StartAfter is null && options.ContinuationToken is null)
        {
            await WalkAsync(options.Prefix, options, entries);
            return entries;
        }

        await foreach (var entry in Engine.ListAsync(options))
        {
            entries.Add(entry);
        }

        return entries;
    }

    private protected async Task<List<string>> ListKeysAsync(string prefix = "", bool recursive = true) =>
        (await ListAsync(new ListOptions { Prefix = prefix, Recursive = recursive })).ConvertAll(entry => entry.Key);

    /// <summary>
    /// Asserts that <paramref name="listed"/> holds every key of <paramref name="expected"/> exactly once and nothing
    /// else — in ordinal order on engines declaring <see cref="StorageCapabilities.OrderedList"/>, in any order otherwise.
    /// </summary>
    private protected void AssertListed(IEnumerable<string> expected, List<string> listed, string? what = null)
    {
        var sorted = expected.Order(StringComparer.Ordinal).ToList();
        string context = what is null ? string.Empty : what + ": ";
        var repeated = listed.GroupBy(k => k, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"{context}the listing returned [{string.Join(", ", repeated)}] more than once; every key is listed exactly once.");
        if (Ordered)
        {
            Assert.True(sorted.SequenceEqual(listed), $"{context}expected [{string.Join(", ", sorted)}] in ordinal order but the listing returned [{string.Join(", ", listed)}].");
        }
        else
        {
            var actual = listed.Order(StringComparer.Ordinal).ToList();
            Assert.True(sorted.SequenceEqual(actual), $"{context}expected [{string.Join(", ", sorted)}] (in any order) but the listing returned [{string.Join(", ", listed)}].");
        }
    }

    /// <summary>Lists keys under <paramref name="prefix"/> and asserts <see cref="AssertListed"/>.</summary>
    private protected async Task AssertListedAsync(IEnumerable<string> expected, string prefix = "", bool recursive = true) =>
        AssertListed(expected, await ListKeysAsync(prefix, recursive), $"listing '{prefix}'{(recursive ? "" : " shallow")}");

    /// <summary>Waits out <see cref="ConsistencyBound"/> (nothing when it is zero).</summary>
    private protected async Task SettleAsync()
    {
        if (ConsistencyBound > TimeSpan.Zero)
        {
            await Task.Delay(ConsistencyBound);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <see cref="ConsistencyBound"/> has passed.</summary>
    private protected async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (clock.Elapsed >= ConsistencyBound)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100, ConsistencyBound.TotalMilliseconds / 10 + 1)));
        }
    }

    /// <summary>Asserts that <paramref name="action"/> throws a <see cref="StorageException"/> with <paramref name="code"/>.</summary>
    private protected static async Task<StorageException> AssertFailsAsync(StorageErrorCode code, Func<Task> action, string? because = null)
    {
        var error = await Assert.ThrowsAsync<StorageException>(action);
        Assert.True(error.Code == code, $"Expected {code}{(because is null ? "" : " (" + because + ")")} but got {error.Code}: {error.Message}");
        return error;
    }

    /// <summary>Asserts that an operation the engine declares unsupported throws UnsupportedOperation (catalogue 49).</summary>
    private protected static Task<StorageException> AssertUnsupportedAsync(Func<Task> action, string capability) =>
        AssertFailsAsync(StorageErrorCode.UnsupportedOperation, action, $"the engine does not declare {capability}");

    /// <summary>Asserts that the object under <paramref name="key"/> holds exactly <paramref name="expected"/>.</summary>
    private protected async Task AssertContentAsync(string key, byte[] expected)
    {
        var actual = await LoadAsync(key);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"Key '{key}' holds {actual.Length} bytes that differ from the {expected.Length} expected.");
    }

    /// <summary>Asserts that the object <paramref name="before"/> describes is exactly as it was: same content, same ETag and metadata (a refusal changed nothing).</summary>
    private protected async Task AssertUnchangedAsync(StorageItem before, byte[] content)
    {
        await AssertContentAsync(before.Key, content);
        var now = await Engine.StatAsync(before.Key);
        Assert.True(before.Equals(now), $"Key '{before.Key}' changed although the operation was refused: ETag {before.ETag} → {now.ETag}, size {before.Size} → {now.Size}.");
    }

    /// <summary>Asserts that nothing is stored under <paramref name="key"/> (exists, stat and load agree).</summary>
    private protected async Task AssertAbsentAsync(string key)
    {
        Assert.False(await Engine.ExistsAsync(key), $"Key '{key}' should not exist.");
        await AssertFailsAsync(StorageErrorCode.NotFound, async () => await Engine.StatAsync(key), "stat of an absent key");
        await AssertFailsAsync(StorageErrorCode.NotFound, async () => await LoadAsync(key), "load of an absent key");
    }

    private async Task WalkAsync(string prefix, ListOptions options, List<StorageEntry> entries)
    {
        await foreach (var entry in Engine.ListAsync(options with { Prefix = prefix, Recursive = false }))
        {
            if (entry.IsPrefix)
            {
                await WalkAsync(entry.Key, options, entries);
            }
            else
            {
                entries.Add(entry);
            }
        }
    }
}
