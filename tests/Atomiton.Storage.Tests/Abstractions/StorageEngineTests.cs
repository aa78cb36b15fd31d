using Atomiton.Storage.Memory;

namespace Atomiton.Storage.Tests.Abstractions;

/// <summary>The argument, capability, cancellation and disposal checks the <see cref="StorageEngine"/> base class makes once for every engine.</summary>
public sealed class StorageEngineTests
{
    [Fact]
    public async Task Save_of_a_null_stream_throws_ArgumentNullException()
    {
        await using var engine = new MemoryEngine();
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await engine.SaveAsync("k", (Stream)null!));
    }

    [Fact]
    public async Task Save_of_an_unreadable_stream_throws_InvalidArgument_naming_the_key()
    {
        await using var engine = new MemoryEngine();
        var stream = new MemoryStream();
        await stream.DisposeAsync();

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("docs/a", stream));

        Assert.Equal(StorageErrorCode.InvalidArgument, error.Code);
        Assert.Contains("docs/a", error.Message, StringComparison.Ordinal);
        Assert.Equal(("memory", "save"), (error.Provider, error.Operation));
        Assert.Equal(0, engine.Count);
    }

    [Fact]
    public async Task Negative_ExpectedLength_is_refused_with_InvalidArgument()
    {
        await using var engine = new MemoryEngine();
        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("k", new MemoryStream([1]), new SaveOptions { ExpectedLength = -1 }));
        Assert.Equal(StorageErrorCode.InvalidArgument, error.Code);
        Assert.Contains("negative", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelled_token_cancels_before_any_work()
    {
        await using var engine = new MemoryEngine();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await engine.SaveAsync("k", new MemoryStream([1]), null, cancellation.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await engine.GetInfoAsync(cancellation.Token));
        Assert.Equal(0, engine.Count);
    }

    [Fact]
    public async Task Disposed_engine_throws_ObjectDisposedException_and_disposes_its_resources_once()
    {
        var engine = new ContextlessFailingEngine();
        await engine.DisposeAsync();
        await engine.DisposeAsync();

        Assert.Equal(1, engine.DisposeCount);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await engine.StatAsync("k"));
        Assert.Throws<ObjectDisposedException>(() => engine.ListAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await engine.GetInfoAsync());
    }

    [Fact]
    public async Task Copy_or_move_onto_itself_is_refused_with_InvalidArgument()
    {
        await using var engine = new MemoryEngine();
        await engine.SaveAsync("k", new byte[] { 1 });

        var copy = await Assert.ThrowsAsync<StorageException>(async () => await engine.CopyAsync("k", "k"));
        var move = await Assert.ThrowsAsync<StorageException>(async () => await engine.MoveAsync("k", "k"));

        Assert.Equal(StorageErrorCode.InvalidArgument, copy.Code);
        Assert.Contains("onto itself", copy.Message, StringComparison.Ordinal);
        Assert.Equal(StorageErrorCode.InvalidArgument, move.Code);
        Assert.Equal(1, engine.Count);
    }

    [Fact]
    public async Task Copy_onto_a_key_differing_only_in_case_is_itself_on_an_engine_still_declaring_the_obsolete_flag()
    {
#pragma warning disable CS0618 // The obsolete capability flag must still read as the CaseInsensitiveKeys trait.
        await using var engine = new ContextlessFailingEngine(StorageCapabilities.Standard | StorageCapabilities.CaseInsensitiveKeys);
#pragma warning restore CS0618

        Assert.Equal(StorageTraits.CaseInsensitiveKeys, engine.Traits);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.CopyAsync("File.json", "file.json"));

        Assert.Equal(StorageErrorCode.InvalidArgument, error.Code);
    }

    [Fact]
    public async Task Invalid_destination_key_is_refused_before_the_copy()
    {
        await using var engine = new MemoryEngine();
        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.CopyAsync("a", "b//c"));
        Assert.Equal(StorageErrorCode.InvalidKey, error.Code);
        Assert.Equal("b//c", error.Key);
    }

    [Fact]
    public async Task Errors_from_the_core_get_the_provider_operation_and_key()
    {
        await using var engine = new ContextlessFailingEngine();

        await AssertContext("save", "k", async () => await engine.SaveAsync("k", new byte[] { 1 }));
        await AssertContext("load", "k", async () => await engine.OpenReadAsync("k"));
        await AssertContext("delete", "k", async () => await engine.DeleteAsync("k"));
        await AssertContext("copy", "src", async () => await engine.CopyAsync("src", "dst"));
        await AssertContext("move", "src", async () => await engine.MoveAsync("src", "dst"), StorageErrorCode.NotFound);
        await AssertContext("list", "p/", async () =>
        {
            await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "p/" }))
            {
                Assert.Equal("first/", entry.Key);
            }
        });

        var stat = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("k"));
        Assert.Equal(("contextless", "stat", "k"), (stat.Provider, stat.Operation, stat.Key));
        Assert.Equal(StorageErrorCode.NotFound, stat.Code);

        static async Task AssertContext(string operation, string key, Func<Task> action, StorageErrorCode code = StorageErrorCode.NetworkError)
        {
            var error = await Assert.ThrowsAsync<StorageException>(action);
            Assert.Equal(("contextless", operation, key), (error.Provider, error.Operation, error.Key));
            Assert.Equal(code, error.Code);
        }
    }

    [Fact]
    public async Task Default_exists_maps_NotFound_to_false_and_passes_other_errors_on_with_context()
    {
        await using var missing = new ContextlessFailingEngine();
        Assert.False(await missing.ExistsAsync("k"));

        await using var failing = new ContextlessFailingEngine { StatCode = StorageErrorCode.AccessDenied };
        var error = await Assert.ThrowsAsync<StorageException>(async () => await failing.ExistsAsync("k"));
        Assert.Equal(StorageErrorCode.AccessDenied, error.Code);
        Assert.Equal(("contextless", "exists", "k"), (error.Provider, error.Operation, error.Key));
    }

    [Fact]
    public async Task Undeclared_capabilities_are_refused_as_unsupported_before_the_core_runs()
    {
        await using var engine = new ContextlessFailingEngine(StorageCapabilities.Read | StorageCapabilities.Write | StorageCapabilities.List);

        foreach (var action in new Func<Task>[]
        {
            async () => await engine.DeleteAsync("k"),
            async () => await engine.MoveAsync("a", "b"),
            async () => await engine.SaveAsync("k", new byte[] { 1 }, new SaveOptions { Condition = WriteCondition.IfNotExists }),
            async () => await engine.SaveAsync("k", new byte[] { 1 }, new SaveOptions { Condition = WriteCondition.IfMatch("\"e\"") }),
            async () => await engine.SaveAsync("k", new byte[] { 1 }, new SaveOptions { ContentType = "text/plain" }),
            async () => await engine.SaveAsync("k", new byte[] { 1 }, new SaveOptions { Metadata = new Dictionary<string, string> { ["a"] = "b" } }),
            async () => await engine.OpenReadAsync("k", new ReadOptions { Range = ByteRange.Suffix(1) }),
            async () => await engine.OpenReadAsync("k", new ReadOptions { IfNoneMatch = "\"e\"" }),
            async () => await engine.CopyAsync("a", "b", WriteCondition.IfNotExists),
            async () => await engine.CopyAsync("a", "b", WriteCondition.IfMatch("\"e\"")),
        })
        {
            var error = await Assert.ThrowsAsync<StorageException>(action);
            Assert.Equal(StorageErrorCode.UnsupportedOperation, error.Code);
            Assert.Equal("contextless", error.Provider);
        }

        Assert.Throws<StorageException>(() => engine.ListAsync(new ListOptions { Recursive = false }));
        await using var writeOnly = new ContextlessFailingEngine(StorageCapabilities.Write);
        Assert.Equal(StorageErrorCode.UnsupportedOperation, Assert.Throws<StorageException>(() => writeOnly.ListAsync()).Code);
    }

    [Fact]
    public async Task Listing_checks_its_options_when_called()
    {
        await using var engine = new MemoryEngine();
        Assert.Equal(StorageErrorCode.InvalidKey, Assert.Throws<StorageException>(() => engine.ListAsync(new ListOptions { Prefix = "/x" })).Code);
        Assert.Equal(StorageErrorCode.InvalidArgument, Assert.Throws<StorageException>(() => engine.ListAsync(new ListOptions { PageSize = 0 })).Code);
    }

    [Fact]
    public async Task Generic_copy_streams_content_type_and_metadata_when_declared()
    {
        await using var inner = new MemoryEngine();
        await using var engine = new Testing.RestrictedEngine(inner, StorageCapabilities.Standard);
        await engine.SaveAsync("src", new byte[] { 1, 2, 3 }, new SaveOptions { ContentType = "text/plain", Metadata = new Dictionary<string, string> { ["a"] = "b" } });

        var copy = await engine.CopyAsync("src", "dst");

        Assert.Equal("text/plain", copy.ContentType);
        Assert.Equal("b", copy.Metadata["a"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, await engine.LoadBytesAsync("dst"));
    }

    [Fact]
    public async Task Generic_move_deletes_the_source_only_if_unchanged()
    {
        await using var inner = new MemoryEngine();
        await using var engine = new SourceChangingEngine(inner);
        await engine.SaveAsync("src", new byte[] { 1 });

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.MoveAsync("src", "dst"));

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        Assert.Equal(new byte[] { 9 }, await inner.LoadBytesAsync("src"));
        Assert.Equal(new byte[] { 1 }, await inner.LoadBytesAsync("dst"));
    }

    /// <summary>Overwrites the source while a generic move is copying it, as a concurrent writer would.</summary>
    private sealed class SourceChangingEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "source-changing";

        protected override async ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
        {
            var copied = await base.CopyCoreAsync(sourceKey, destinationKey, condition, cancellationToken);
            await Inner.SaveAsync(sourceKey, new byte[] { 9 }, null, cancellationToken);
            return copied;
        }
    }
}
