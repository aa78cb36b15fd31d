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

    private protected ValueTask<StorageItem> SaveAsync(string key, byte[] content, SaveOptions? options = null, CancellationToken cancellationToken = default) =>
        Engine.SaveAsync(key, new ReadOnlyMemory<byte>(content), options, cancellationToken);

    private protected ValueTask<byte[]> LoadAsync(string key, ReadOptions? options = null) => Engine.LoadBytesAsync(key, options);

    private protected async Task<List<StorageEntry>> ListAsync(ListOptions? options = null)
    {
        await SettleAsync();
        var entries = new List<StorageEntry>();
        await foreach (var entry in Engine.ListAsync(options))
        {
            entries.Add(entry);
        }

        return entries;
    }

    private protected async Task<List<string>> ListKeysAsync(string prefix = "", bool recursive = true) =>
        (await ListAsync(new ListOptions { Prefix = prefix, Recursive = recursive })).ConvertAll(entry => entry.Key);

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

    /// <summary>Asserts that nothing is stored under <paramref name="key"/> (exists, stat and load agree).</summary>
    private protected async Task AssertAbsentAsync(string key)
    {
        Assert.False(await Engine.ExistsAsync(key), $"Key '{key}' should not exist.");
        await AssertFailsAsync(StorageErrorCode.NotFound, async () => await Engine.StatAsync(key), "stat of an absent key");
        await AssertFailsAsync(StorageErrorCode.NotFound, async () => await LoadAsync(key), "load of an absent key");
    }
}
