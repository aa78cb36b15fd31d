namespace Atomiton.Storage.Testing;

// Catalogue 10–15: streams, large and failing writes.
public abstract partial class StorageConformanceTests
{
    /// <summary>Catalogue 10: a non-seekable source of unknown length round-trips at sizes 0, 1 and around the chunk size.</summary>
    [Fact]
    public async Task Non_seekable_source_of_unknown_length_round_trips_at_sizes_around_the_chunk_size()
    {
        foreach (int size in new[] { 0, 1, ChunkSize - 1, ChunkSize, ChunkSize + 1 })
        {
            var key = $"stream/{size}";
            var saved = await Engine.SaveAsync(key, new SourceStream(size, seed: size, maxRead: 4096));

            Assert.Equal(size, saved.Size);
            await AssertContentAsync(key, SourceStream.Expected(size, seed: size));
        }
    }

    /// <summary>Catalogue 11: content of more than two chunks plus a remainder round-trips exactly.</summary>
    [Fact]
    public async Task Multi_chunk_content_round_trips_exactly()
    {
        int size = (2 * ChunkSize) + 12345;
        await Engine.SaveAsync("multi", new SourceStream(size, seed: 11, maxRead: 1000));

        await AssertContentAsync("multi", SourceStream.Expected(size, seed: 11));
        Assert.Equal(size, (await Engine.StatAsync("multi")).Size);
    }

    /// <summary>Catalogue 12: a source that throws midway surfaces the error and leaves no object.</summary>
    [Fact]
    public async Task Source_that_throws_midway_surfaces_the_error_and_writes_nothing()
    {
        var error = await Record.ExceptionAsync(async () => await Engine.SaveAsync("broken", new SourceStream(ChunkSize * 2, failAt: ChunkSize + 10)));

        Assert.NotNull(error);
        Assert.True(error is IOException || error.InnerException is IOException || error is StorageException,
            $"The source's failure must surface (as itself or as a StorageException wrapping it), not {error.GetType().Name}.");
        await AssertAbsentAsync("broken");
    }

    /// <summary>Catalogue 12: a source that throws midway leaves the earlier version intact.</summary>
    [Fact]
    public async Task Source_that_throws_midway_leaves_the_earlier_version_intact()
    {
        var original = Content(300);
        var before = await SaveAsync("keep", original);

        await Assert.ThrowsAnyAsync<Exception>(async () => await Engine.SaveAsync("keep", new SourceStream(ChunkSize * 2, failAt: ChunkSize + 10)));

        await AssertContentAsync("keep", original);
        Assert.Equal(before, await Engine.StatAsync("keep"));
    }

    /// <summary>Catalogue 13: a source shorter than ExpectedLength fails with InvalidArgument, writes nothing and never hangs or pads.</summary>
    [Fact]
    public async Task Source_shorter_than_ExpectedLength_fails_and_writes_nothing()
    {
        var original = Content(50);
        await SaveAsync("short/existing", original);

        await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () =>
            await Engine.SaveAsync("short/new", new SourceStream(100), new SaveOptions { ExpectedLength = 101 }));
        await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () =>
            await Engine.SaveAsync("short/existing", new SourceStream(ChunkSize + 1), new SaveOptions { ExpectedLength = ChunkSize + 2 }));

        await AssertAbsentAsync("short/new");
        await AssertContentAsync("short/existing", original);
    }

    /// <summary>Catalogue 13: a source longer than ExpectedLength fails with InvalidArgument and writes nothing.</summary>
    [Fact]
    public async Task Source_longer_than_ExpectedLength_fails_and_writes_nothing()
    {
        await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () =>
            await Engine.SaveAsync("long", new SourceStream(100), new SaveOptions { ExpectedLength = 99 }));

        await AssertAbsentAsync("long");
    }

    /// <summary>Catalogue 13: a source of exactly ExpectedLength is saved.</summary>
    [Fact]
    public async Task Source_of_exactly_ExpectedLength_is_saved()
    {
        var saved = await Engine.SaveAsync("exact", new SourceStream(ChunkSize + 3), new SaveOptions { ExpectedLength = ChunkSize + 3 });

        Assert.Equal(ChunkSize + 3, saved.Size);
        await AssertContentAsync("exact", SourceStream.Expected(ChunkSize + 3));
    }

    /// <summary>Catalogue 14: cancellation midway throws OperationCanceledException and leaves no partial object, and the older version intact.</summary>
    [Fact]
    public async Task Cancellation_midway_throws_OperationCanceled_and_writes_nothing()
    {
        var original = Content(77);
        await SaveAsync("cancel/existing", original);

        foreach (var key in new[] { "cancel/new", "cancel/existing" })
        {
            using var cancellation = new CancellationTokenSource();
            var source = new SourceStream(ChunkSize * 3, maxRead: 1024, failAt: ChunkSize + 5, atFailPoint: cancellation.Cancel);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Engine.SaveAsync(key, source, null, cancellation.Token));
        }

        await AssertAbsentAsync("cancel/new");
        await AssertContentAsync("cancel/existing", original);
    }

    /// <summary>Catalogue 14: a token cancelled before the call cancels every operation and changes nothing.</summary>
    [Fact]
    public async Task Already_cancelled_token_cancels_every_operation()
    {
        var original = Content(9);
        await SaveAsync("c", original);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        var token = cancellation.Token;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Engine.SaveAsync("c", new ReadOnlyMemory<byte>(Content(3, seed: 5)), null, token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Engine.OpenReadAsync("c", null, token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Engine.StatAsync("c", token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Engine.ExistsAsync("c", token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Engine.DeleteAsync("c", null, token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Engine.CopyAsync("c", "d", default, token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Engine.MoveAsync("c", "d", default, token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var entry in Engine.ListAsync(null, token))
            {
                Assert.Fail($"A cancelled listing yielded '{entry.Key}'.");
            }
        });

        await AssertContentAsync("c", original);
        Assert.Equal(["c"], await ListKeysAsync());
    }

    /// <summary>Catalogue E-8: a disposed (unreadable) source stream fails with InvalidArgument and writes nothing; a null one with ArgumentNullException.</summary>
    [Fact]
    public async Task Unreadable_or_null_source_stream_is_refused_and_writes_nothing()
    {
        var disposed = new MemoryStream([1, 2, 3]);
        await disposed.DisposeAsync();

        await AssertFailsAsync(StorageErrorCode.InvalidArgument, async () => await Engine.SaveAsync("bad-stream", disposed));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Engine.SaveAsync("bad-stream", (Stream)null!));

        await AssertAbsentAsync("bad-stream");
    }
}
