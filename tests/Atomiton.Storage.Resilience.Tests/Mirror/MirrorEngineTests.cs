using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Resilience.Mirror;

namespace Atomiton.Storage.Resilience.Tests.Mirror;

public sealed class MirrorEngineTests
{
    [Fact]
    public async Task With_one_member_down_writes_succeed_at_quorum_and_the_member_is_reported_lagging()
    {
        var (engine, a, b, c) = Three();
        await using var _ = engine;
        using (c.Faults.FailAll(StorageErrorCode.NetworkError))
        {
            await engine.SaveAsync("doc/1", new byte[] { 1 });
            await engine.SaveAsync("doc/2", new byte[] { 2 });
            Assert.True(await engine.DeleteAsync("doc/2"));
        }

        var lagging = engine.Members.Single(m => m.IsLagging);
        var info = await engine.GetInfoAsync();

        Assert.Equal("c", lagging.Name);
        Assert.Equal(2, lagging.MissedWrites);
        Assert.Equal(["doc/1", "doc/2"], lagging.MissedKeys);
        Assert.Contains("NetworkError", lagging.LastError, StringComparison.Ordinal);
        Assert.True(await a.ExistsAsync("doc/1"));
        Assert.True(await b.ExistsAsync("doc/1"));
        Assert.False(await c.ExistsAsync("doc/1"));
        Assert.Equal(StorageHealthDetails.Degraded, info.Details[StorageHealthDetails.Status]);
        Assert.Equal("c(2)", info.Details["lagging"]);
        Assert.Contains("member 'c' missed 2 writes", info.Details[StorageHealthDetails.Reason], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_skip_a_member_that_missed_the_key()
    {
        var (engine, a, b, c) = Three();
        await using var _ = engine;
        await engine.SaveAsync("k", new byte[] { 1 });
        using (a.Faults.FailAll(StorageErrorCode.NetworkError))
        {
            await engine.SaveAsync("k", new byte[] { 2 });
        }

        Assert.Equal(new byte[] { 2 }, await engine.LoadBytesAsync("k"));
        Assert.Equal(0, a.Calls[MockOperation.Load]);
        Assert.Equal(1, b.Calls[MockOperation.Load]);
    }

    [Fact]
    public async Task A_member_catches_up_when_it_stores_the_key_again()
    {
        var (engine, _, _, c) = Three();
        await using var __ = engine;
        using (c.Faults.FailAll(StorageErrorCode.NetworkError))
        {
            await engine.SaveAsync("k", new byte[] { 1 });
        }

        await engine.SaveAsync("k", new byte[] { 2 });

        Assert.All(engine.Members, m => Assert.False(m.IsLagging));
        Assert.Equal(StorageHealthDetails.Healthy, (await engine.GetInfoAsync()).Details[StorageHealthDetails.Status]);
    }

    [Fact]
    public async Task A_write_below_quorum_throws_and_names_the_failed_members()
    {
        var (engine, a, b, c) = Three();
        await using var _ = engine;
        using var downB = b.Faults.FailAll(StorageErrorCode.NetworkError);
        using var downC = c.Faults.FailAll(StorageErrorCode.Timeout);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("k", new byte[] { 1 }).AsTask());

        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
        Assert.True(error.IsTransient);
        Assert.Contains("on 1 of 3 members, below its quorum of 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("b: NetworkError; c: Timeout", error.Message, StringComparison.Ordinal);
        Assert.True(await a.ExistsAsync("k"));
    }

    [Fact]
    public async Task A_write_no_member_stored_leaves_no_member_lagging()
    {
        var (engine, a, b, c) = Three();
        await using var _ = engine;
        using var downA = a.Faults.FailAll(StorageErrorCode.NetworkError);
        using var downB = b.Faults.FailAll(StorageErrorCode.NetworkError);
        using var downC = c.Faults.FailAll(StorageErrorCode.NetworkError);

        await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("k", new byte[] { 1 }).AsTask());

        Assert.All(engine.Members, m => Assert.False(m.IsLagging));
    }

    [Fact]
    public async Task Conditional_saves_are_decided_by_the_primary_and_copied_to_the_others()
    {
        var (engine, a, b, c) = Three();
        await using var _ = engine;
        var created = await engine.SaveAsync("k", new byte[] { 1, 2 }, new SaveOptions { Condition = WriteCondition.IfNotExists, ContentType = "application/x-test" });
        Assert.Equal("application/x-test", (await c.StatAsync("k")).ContentType);

        var conflict = await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("k", new byte[] { 9 }, new SaveOptions { Condition = WriteCondition.IfNotExists }).AsTask());
        var updated = await engine.SaveAsync("k", new byte[] { 3 }, new SaveOptions { Condition = WriteCondition.IfMatch(created.ETag) });

        Assert.Equal(StorageErrorCode.Conflict, conflict.Code);
        Assert.Equal((await a.StatAsync("k")).ETag, updated.ETag);
        Assert.Equal(new byte[] { 3 }, await b.LoadBytesAsync("k"));
        Assert.Equal(new byte[] { 3 }, await c.LoadBytesAsync("k"));
    }

    [Fact]
    public async Task Conditional_delete_is_decided_by_the_primary_then_applied_everywhere()
    {
        var (engine, a, b, c) = Three();
        await using var _ = engine;
        var item = await engine.SaveAsync("k", new byte[] { 1 });

        await Assert.ThrowsAsync<StorageException>(() => engine.DeleteAsync("k", new DeleteOptions { IfMatch = "\"stale\"" }).AsTask());
        Assert.True(await engine.DeleteAsync("k", new DeleteOptions { IfMatch = (await a.StatAsync("k")).ETag }));

        Assert.False(await b.ExistsAsync("k"));
        Assert.False(await c.ExistsAsync("k"));
        Assert.NotNull(item);
    }

    [Fact]
    public async Task Large_content_streams_to_every_member_identically()
    {
        var (engine, a, b, c) = Three();
        await using var _ = engine;
        var content = new byte[3 * 1024 * 1024 + 17];
        new Random(5).NextBytes(content);

        var item = await engine.SaveAsync("big", new NonSeekableStream(content));

        Assert.Equal(content.Length, item.Size);
        Assert.Equal(content, await a.LoadBytesAsync("big"));
        Assert.Equal(content, await b.LoadBytesAsync("big"));
        Assert.Equal(content, await c.LoadBytesAsync("big"));
    }

    [Fact]
    public async Task A_failing_source_writes_nothing_on_any_member()
    {
        var (engine, a, b, c) = Three();
        await using var _ = engine;

        await Assert.ThrowsAnyAsync<Exception>(() => engine.SaveAsync("k", new BrokenStream()).AsTask());

        Assert.False(await a.ExistsAsync("k"));
        Assert.False(await b.ExistsAsync("k"));
        Assert.False(await c.ExistsAsync("k"));
    }

    [Fact]
    public async Task Listing_and_info_come_from_a_member_that_missed_nothing()
    {
        var (engine, a, _, _) = Three();
        await using var __ = engine;
        await engine.SaveAsync("x/1", new byte[] { 1 });
        using (a.Faults.FailAll(StorageErrorCode.NetworkError))
        {
            await engine.SaveAsync("x/2", new byte[] { 1 });
        }

        var keys = new List<string>();
        await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "x/" }))
        {
            keys.Add(entry.Key);
        }

        Assert.Equal(["x/1", "x/2"], keys);
        Assert.Equal(0, a.Calls[MockOperation.List]);
    }

    [Fact]
    public async Task Reads_fall_back_to_the_next_member_on_failure()
    {
        var (engine, a, _, _) = Three();
        await using var __ = engine;
        await engine.SaveAsync("k", new byte[] { 4 });
        using var down = a.Faults.FailAll(StorageErrorCode.NetworkError);

        Assert.True(await engine.ExistsAsync("k"));
        Assert.Equal(1, (await engine.StatAsync("k")).Size);
        Assert.Equal("mirror", (await engine.GetInfoAsync()).EngineType);
    }

    [Fact]
    public async Task When_no_member_can_serve_a_read_the_error_names_them()
    {
        var (engine, a, b, c) = Three();
        await using var _ = engine;
        using var downA = a.Faults.FailAll(StorageErrorCode.NetworkError);
        using var downB = b.Faults.FailAll(StorageErrorCode.NetworkError);
        using var downC = c.Faults.FailAll(StorageErrorCode.NetworkError);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("k").AsTask());
        var info = await Assert.ThrowsAsync<StorageException>(() => engine.GetInfoAsync().AsTask());

        Assert.Contains("(a, b, c)", error.Message, StringComparison.Ordinal);
        Assert.Equal(StorageErrorCode.NetworkError, info.Code);
    }

    [Fact]
    public async Task A_listing_that_breaks_on_one_member_continues_on_the_next()
    {
        var a = new MemoryEngine();
        var b = new MemoryEngine();
        await using var engine = new MirrorEngine(new FailingListEngine(a, failAfter: 2), [new("b", b)], new MirrorOptions { WriteQuorum = 2 });
        for (int i = 0; i < 5; i++)
        {
            await engine.SaveAsync($"k{i}", new byte[] { 1 });
        }

        var keys = new List<string>();
        await foreach (var entry in engine.ListAsync())
        {
            keys.Add(entry.Key);
        }

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"k{i}"), keys);
    }

    [Fact]
    public async Task A_listing_no_member_can_serve_names_the_members()
    {
        var (engine, a, b, c) = Three();
        await using var _ = engine;
        using var downA = a.Faults.FailAll(StorageErrorCode.NetworkError);
        using var downB = b.Faults.FailAll(StorageErrorCode.NetworkError);
        using var downC = c.Faults.FailAll(StorageErrorCode.NetworkError);

        var error = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await foreach (var entry in engine.ListAsync())
            {
                Assert.NotNull(entry);
            }
        });

        Assert.Equal("list", error.Operation);
    }

    [Fact]
    public async Task A_conditional_save_the_primary_cannot_read_back_leaves_the_others_lagging()
    {
        var (engine, a, _, _) = Three();
        await using var __ = engine;
        a.Faults.Enqueue(MockOperation.Load, StorageErrorCode.NetworkError);

        await Assert.ThrowsAsync<StorageException>(() => engine.SaveAsync("k", new byte[] { 1 }, new SaveOptions { Condition = WriteCondition.IfNotExists }).AsTask());

        Assert.True(await a.ExistsAsync("k"));
        Assert.Equal(["b", "c"], engine.Members.Where(m => m.IsLagging).Select(m => m.Name));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void A_quorum_outside_the_member_count_is_refused(int quorum)
    {
        var error = Assert.Throws<StorageException>(() => new MirrorEngine(new MemoryEngine(), [new("b", new MemoryEngine()), new("c", new MemoryEngine())], new MirrorOptions { WriteQuorum = quorum }));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("WriteQuorum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_resolves_members_and_defaults_to_a_majority_quorum()
    {
        var context = new StorageProviderContext
        {
            PipelineName = "main",
            StageName = "mirror",
            Inner = new MemoryEngine(),
            ResolvePipeline = (name, ct) => ValueTask.FromResult<IStorageEngine>(new MemoryEngine()),
        };

        await using var engine = (MirrorEngine)await new MirrorProvider().CreateAsync(new MirrorOptions { Members = ["b", "c", "d"] }, context);

        Assert.Equal(3, engine.Quorum);
        Assert.Equal(["mirror:primary", "b", "c", "d"], engine.Members.Select(m => m.Name));
        await Assert.ThrowsAsync<StorageException>(() => new MirrorProvider().CreateAsync(new MirrorOptions { Members = ["b"], WriteQuorum = 3 }, context).AsTask());
    }

    private static (MirrorEngine Engine, MockEngine A, MockEngine B, MockEngine C) Three()
    {
        var a = new MockEngine();
        var b = new MockEngine();
        var c = new MockEngine();
        return (new MirrorEngine(a, [new("b", b), new("c", c)], null, null, "a"), a, b, c);
    }

    private sealed class NonSeekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }

    private sealed class BrokenStream : Stream
    {
        private int _reads;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) =>
            ++_reads < 3 ? count : throw new IOException("source broke");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
