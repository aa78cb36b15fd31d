using Atomiton.Storage.Memory;

namespace Atomiton.Storage.Tests.Memory;

/// <summary>What is specific to the memory engine: limits, the clock, counts and information (the kit covers the rest).</summary>
public sealed class MemoryEngineTests
{
    [Fact]
    public async Task Byte_quota_counts_the_replaced_content_and_refuses_what_would_exceed_it()
    {
        await using var engine = new MemoryEngine(new MemoryOptions { MaxBytes = 10 });
        await engine.SaveAsync("a", new byte[6]);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("b", new byte[5]));
        Assert.Equal(StorageErrorCode.QuotaExceeded, error.Code);
        Assert.Contains("MaxBytes", error.Message, StringComparison.Ordinal);
        Assert.Equal("b", error.Key);

        await engine.SaveAsync("a", new byte[10]);
        Assert.Equal(10, (await engine.GetInfoAsync()).Limits.QuotaUsed);
        await Assert.ThrowsAsync<StorageException>(async () => await engine.CopyAsync("a", "copy"));
        await engine.MoveAsync("a", "moved");
        Assert.Equal(10, (await engine.GetInfoAsync()).Limits.QuotaUsed);
        Assert.True(await engine.DeleteAsync("moved"));
        Assert.Equal(0, (await engine.GetInfoAsync()).Limits.QuotaUsed);
    }

    [Fact]
    public async Task Item_limit_refuses_new_keys_but_allows_overwrites()
    {
        await using var engine = new MemoryEngine(new MemoryOptions { MaxItems = 2 });
        await engine.SaveAsync("a", new byte[1]);
        await engine.SaveAsync("b", new byte[1]);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("c", new byte[1]));
        Assert.Equal(StorageErrorCode.QuotaExceeded, error.Code);
        Assert.Contains("MaxItems", error.Message, StringComparison.Ordinal);
        await engine.SaveAsync("a", new byte[2]);
        Assert.Equal(2, engine.Count);
    }

    [Fact]
    public async Task Object_size_limit_refuses_declared_and_streamed_objects()
    {
        await using var engine = new MemoryEngine(new MemoryOptions { MaxObjectSize = 4 });

        var declared = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("k", new MemoryStream(new byte[5]), new SaveOptions { ExpectedLength = 5 }));
        var streamed = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("k", new byte[5]));

        Assert.Equal(StorageErrorCode.ObjectTooLarge, declared.Code);
        Assert.Equal(StorageErrorCode.ObjectTooLarge, streamed.Code);
        Assert.Contains("at most 4", streamed.Message, StringComparison.Ordinal);
        Assert.Equal(4, (await engine.GetInfoAsync()).Limits.MaxObjectSize);
        Assert.Equal(0, engine.Count);
    }

    [Fact]
    public async Task Times_come_from_the_clock_and_Updated_never_goes_back()
    {
        var clock = new SettableTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var engine = new MemoryEngine(timeProvider: clock);
        var first = await engine.SaveAsync("k", new byte[1]);

        clock.Now = clock.Now.AddHours(-1);
        var second = await engine.SaveAsync("k", new byte[1]);
        clock.Now = clock.Now.AddHours(2);
        var third = await engine.SaveAsync("k", new byte[1]);

        Assert.Equal(first.Updated, second.Updated);
        Assert.Equal(clock.Now, third.Updated);
        Assert.Equal(first.Created, third.Created);
    }

    [Fact]
    public async Task Info_reports_capabilities_limits_and_item_count()
    {
        await using var engine = new MemoryEngine();
        await engine.SaveAsync("a", new byte[3]);

        var info = await engine.GetInfoAsync();

        Assert.Equal("memory", info.EngineType);
        Assert.Equal("any", info.Platform);
        Assert.False(info.Capabilities.HasFlag(StorageCapabilities.Quota), "no quota is declared without MaxBytes");
        Assert.True(info.Capabilities.HasFlag(StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove));
        Assert.Equal(3, info.Limits.QuotaUsed);
        Assert.Null(info.Limits.QuotaTotal);
        Assert.Equal("1", info.Details["items"]);
        Assert.Null(info.Inner);
    }

    [Fact]
    public async Task Saved_content_is_copied_so_later_changes_to_the_source_do_not_leak_in()
    {
        await using var engine = new MemoryEngine();
        var buffer = new byte[] { 1, 2, 3 };
        await engine.SaveAsync("k", buffer);
        buffer[0] = 9;

        Assert.Equal(new byte[] { 1, 2, 3 }, await engine.LoadBytesAsync("k"));
    }
}
