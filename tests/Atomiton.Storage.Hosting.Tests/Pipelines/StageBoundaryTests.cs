using Atomiton.Storage.Hosting.Tests.Providers;
using Atomiton.Storage.Hosting.Tests.Support;

namespace Atomiton.Storage.Hosting.Tests.Pipelines;

/// <summary>
/// A provider that throws anything but a storage error has a bug: at the stage boundary it becomes a
/// non-transient PluginFailed naming the provider, stage, pipeline, operation, key and exception type.
/// </summary>
public sealed class StageBoundaryTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_non_storage_exception_becomes_PluginFailed_naming_provider_stage_pipeline_operation_key_and_type()
    {
        using var host = Create("plain", """["engine"]""");
        await using var engine = await host.BuildPipelineAsync("p");

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("docs/a.txt"));

        Assert.Equal(StorageErrorCode.PluginFailed, error.Code);
        Assert.False(error.IsTransient);
        Assert.Equal(("buggy", "stat", "docs/a.txt"), (error.Provider, error.Operation, error.Key));
        var cause = Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(BuggyEngine.Bug, cause.Message);
        foreach (var part in new[] { "'buggy'", "stage 'engine'", "pipeline 'p'", "stat of key 'docs/a.txt'", "System.InvalidOperationException", BuggyEngine.Bug, "bug in the provider" })
        {
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Retry_does_not_retry_a_plugin_failure_and_it_still_names_the_failing_stage()
    {
        using var host = Create("retried", """["retry", "engine"]""");
        await using var engine = await host.BuildPipelineAsync("p");

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync("k"));

        Assert.Equal(StorageErrorCode.PluginFailed, error.Code);
        Assert.Contains("stage 'engine'", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(1, BuggyEngine.Calls["retried"]);
    }

    [Fact]
    public async Task Reading_a_content_stream_and_listing_are_inside_the_boundary()
    {
        using var host = Create("streams", """["engine"]""");
        await using var engine = await host.BuildPipelineAsync("p");

        await using var result = await engine.OpenReadAsync("k");
        var read = await Assert.ThrowsAsync<StorageException>(async () => await result.Content.ReadExactlyAsync(new byte[3]));
        Assert.Equal((StorageErrorCode.PluginFailed, "load", "k"), (read.Code, read.Operation, read.Key));
        Assert.IsType<InvalidOperationException>(read.InnerException);

        var entries = new List<string>();
        var list = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "x/" }))
            {
                entries.Add(entry.Key);
            }
        });
        Assert.Equal(["a"], entries);
        Assert.Equal((StorageErrorCode.PluginFailed, "list", "x/"), (list.Code, list.Operation, list.Key));
        Assert.IsType<KeyNotFoundException>(list.InnerException);
        Assert.Contains("System.Collections.Generic.KeyNotFoundException", list.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loading_bytes_batch_delete_and_the_change_feed_are_inside_the_boundary()
    {
        using var host = Create("contract2", """["engine"]""");
        await using var engine = await host.BuildPipelineAsync("p");

        var load = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("k"));
        Assert.Equal((StorageErrorCode.PluginFailed, "load", "k"), (load.Code, load.Operation, load.Key));
        Assert.IsType<InvalidOperationException>(load.InnerException);

        var batch = await Assert.ThrowsAsync<StorageException>(async () => await engine.DeleteManyAsync(["a", "b"]));
        Assert.Equal((StorageErrorCode.PluginFailed, StorageOperation.DeleteMany), (batch.Code, batch.Operation));
        Assert.IsType<ArgumentOutOfRangeException>(batch.InnerException);

        var cursor = await Assert.ThrowsAsync<StorageException>(async () => await engine.GetChangeCursorAsync("docs/"));
        Assert.Equal((StorageErrorCode.PluginFailed, StorageOperation.ChangeCursor, "docs/"), (cursor.Code, cursor.Operation, cursor.Key));
        var changes = await Assert.ThrowsAsync<StorageException>(async () => await engine.ReadChangesAsync("c1"));
        Assert.Equal((StorageErrorCode.PluginFailed, StorageOperation.ReadChanges), (changes.Code, changes.Operation));
        Assert.IsType<FormatException>(changes.InnerException);
        Assert.Contains("stage 'engine'", changes.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dedupe_reached_through_the_pipeline_is_inside_the_boundary()
    {
        using var host = Create("dedupe", """["cached", "engine"]""");
        await using var engine = await host.BuildPipelineAsync("p");

        // As the dedupe command finds it: the first engine of the chain that offers the interface.
        IStorageDeduplicator? found = null;
        for (IStorageEngine? stage = engine; stage is not null && found is null; stage = (stage as DelegatingStorageEngine)?.Inner)
        {
            found = stage as IStorageDeduplicator;
        }

        Assert.NotNull(found);
        Assert.IsNotType<BuggyEngine>(found);
        var sets = new List<string>();
        var error = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await foreach (var set in found.DedupeAsync("docs/", dryRun: true))
            {
                sets.Add(set.Key);
            }
        });
        Assert.Equal(["docs/twice"], sets);
        Assert.Equal((StorageErrorCode.PluginFailed, "dedupe", "docs/"), (error.Code, error.Operation, error.Key));
        Assert.IsType<NotSupportedException>(error.InnerException);
        Assert.Contains("stage 'engine'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_and_the_callers_own_stream_failure_pass_through_unwrapped()
    {
        using var host = Create("passes", """["cached", "engine"]""");
        await using var engine = await host.BuildPipelineAsync("p");

        await Assert.ThrowsAsync<OperationCanceledException>(async () => await engine.DeleteAsync("k"));

        var sourceFailure = new IOException("the caller's disk failed");
        var thrown = await Assert.ThrowsAsync<IOException>(async () => await engine.SaveAsync("k", new FailingSource(sourceFailure)));
        Assert.Same(sourceFailure, thrown);

        var bug = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("k", new MemoryStream([1, 2, 3])));
        Assert.Equal((StorageErrorCode.PluginFailed, "save", "k"), (bug.Code, bug.Operation, bug.Key));
    }

    private StorageHost Create(string tag, string chain) => TestHosts.Create(_temp, $$"""
        { "stages": { "engine": { "type": "buggy", "options": { "tag": "{{tag}}" } },
                      "retry": { "type": "retry", "options": { "maxRetryAttempts": 3, "baseDelay": "00:00:00.001", "useJitter": false } } },
          "pipelines": { "p": { "chain": {{chain}} } } }
        """, builtInDefaults: true);

    private sealed class FailingSource(IOException failure) : MemoryStream([1, 2, 3])
    {
        public override int Read(byte[] buffer, int offset, int count) => throw failure;

        public override int Read(Span<byte> buffer) => throw failure;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw failure;

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw failure;
    }
}
