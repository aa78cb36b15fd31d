using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;

namespace Atomiton.Storage.Tests.Mock;

public sealed class MockQuotaTests
{
    [Fact]
    public async Task Save_beyond_the_quota_throws_QuotaExceeded_and_writes_nothing()
    {
        await using var engine = new MockEngine(new MockOptions { QuotaBytes = 100 });
        await engine.SaveAsync("a", new byte[60]);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("b", new byte[50]).AsTask());

        Assert.Equal(StorageErrorCode.QuotaExceeded, error.Code);
        Assert.Equal("b", error.Key);
        Assert.Contains("QuotaBytes", error.Message, StringComparison.Ordinal);
        Assert.False(await engine.ExistsAsync("b"));
        Assert.Equal(1, engine.Calls.InjectedFailures);
    }

    [Fact]
    public async Task Quota_is_enforced_on_streams_of_unknown_length()
    {
        await using var engine = new MockEngine(new MockOptions { QuotaBytes = 10 });
        using var unknownLength = new NonSeekableStream(new byte[11]);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("big", unknownLength).AsTask());

        Assert.Equal(StorageErrorCode.QuotaExceeded, error.Code);
        Assert.False(await engine.ExistsAsync("big"));
    }

    [Fact]
    public async Task Overwrite_counts_only_the_difference_and_delete_frees_space()
    {
        await using var engine = new MockEngine(new MockOptions { QuotaBytes = 100 });
        await engine.SaveAsync("a", new byte[60]);
        await engine.SaveAsync("a", new byte[90]);
        await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("b", new byte[20], new SaveOptions { ExpectedLength = 20 }).AsTask());

        Assert.True(await engine.DeleteAsync("a"));
        Assert.False(await engine.DeleteAsync("a"));
        await engine.SaveAsync("b", new byte[100]);

        var info = await engine.GetInfoAsync();
        Assert.Equal(100, info.Limits.QuotaUsed);
        Assert.Equal(100, info.Limits.QuotaTotal);
        Assert.True(info.Capabilities.HasFlag(StorageCapabilities.Quota));
        Assert.True(engine.Capabilities.HasFlag(StorageCapabilities.Quota));
    }

    [Fact]
    public async Task Quota_counts_what_the_inner_engine_already_held()
    {
        var inner = new MemoryEngine();
        await inner.SaveAsync("existing", new byte[80]);
        await using var engine = new MockEngine(inner, new MockOptions { QuotaBytes = 100 });

        await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("new", new byte[30]).AsTask());
        await engine.SaveAsync("new", new byte[20]);

        Assert.Equal(100, (await engine.GetInfoAsync()).Limits.QuotaUsed);
    }

    [Fact]
    public async Task Copy_beyond_the_quota_fails_and_move_keeps_the_count()
    {
        await using var engine = new MockEngine(new MockOptions { QuotaBytes = 100 });
        await engine.SaveAsync("a", new byte[60]);
        await engine.SaveAsync("small", new byte[10]);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.CopyAsync("a", "b").AsTask());
        await engine.CopyAsync("small", "small-copy");
        await engine.MoveAsync("small-copy", "small");

        Assert.Equal(StorageErrorCode.QuotaExceeded, error.Code);
        Assert.Equal("copy", error.Operation);
        Assert.False(await engine.ExistsAsync("b"));
        Assert.Equal(70, (await engine.GetInfoAsync()).Limits.QuotaUsed);
    }

    [Fact]
    public async Task A_failed_conditional_save_under_quota_keeps_the_count()
    {
        await using var engine = new MockEngine(new MockOptions { QuotaBytes = 100 });
        await engine.SaveAsync("a", new byte[10]);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("a", new byte[5], new SaveOptions { Condition = WriteCondition.IfNotExists }).AsTask());

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        Assert.Equal(10, (await engine.GetInfoAsync()).Limits.QuotaUsed);
    }

    private sealed class NonSeekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
