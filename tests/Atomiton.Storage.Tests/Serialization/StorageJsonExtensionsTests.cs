using System.Text;
using System.Text.Json;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Serialization;

namespace Atomiton.Storage.Tests.Serialization;

public sealed class StorageJsonExtensionsTests
{
    private static readonly SampleDocument Sample = new("flow-123", 3, ["a", "b"]);

    [Fact]
    public async Task Json_round_trips_with_a_source_generated_contract_and_sets_the_content_type()
    {
        await using var engine = new MemoryEngine();

        var item = await engine.SaveJsonAsync("flows/flow-123.json", Sample, SampleJsonContext.Default.SampleDocument);
        var loaded = await engine.LoadJsonAsync("flows/flow-123.json", SampleJsonContext.Default.SampleDocument);

        Assert.Equal(Sample.Name, loaded!.Name);
        Assert.Equal(Sample.Tags, loaded.Tags);
        Assert.Equal("application/json", item.ContentType);
        Assert.Equal("{\"Name\":\"flow-123\",\"Count\":3,\"Tags\":[\"a\",\"b\"]}", Encoding.UTF8.GetString(await engine.LoadBytesAsync("flows/flow-123.json")));
    }

    [Fact]
    public async Task Json_save_keeps_a_content_type_the_caller_chose()
    {
        await using var engine = new MemoryEngine();

        var item = await engine.SaveJsonAsync("k", Sample, SampleJsonContext.Default.SampleDocument, new SaveOptions { ContentType = "application/vnd.flow+json" });

        Assert.Equal("application/vnd.flow+json", item.ContentType);
    }

    [Fact]
    public async Task Json_save_sets_no_content_type_on_an_engine_without_that_capability()
    {
        await using var engine = new ContentTypeBlindEngine();

        var item = await engine.SaveJsonAsync("k", Sample, SampleJsonContext.Default.SampleDocument);

        Assert.Null(item.ContentType);
        Assert.Equal(Sample.Count, (await engine.LoadJsonAsync("k", SampleJsonContext.Default.SampleDocument))!.Count);
    }

    [Fact]
    public async Task Malformed_json_throws_SerializationError_naming_the_key_line_and_byte()
    {
        await using var engine = new MemoryEngine();
        await engine.SaveAsync("flows/bad.json", Encoding.UTF8.GetBytes("{\n  \"Name\": \"x\",\n  \"Count\": ,\n}"));

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.LoadJsonAsync("flows/bad.json", SampleJsonContext.Default.SampleDocument).AsTask());

        Assert.Equal(StorageErrorCode.SerializationError, error.Code);
        Assert.Equal("flows/bad.json", error.Key);
        Assert.Equal("load", error.Operation);
        Assert.Equal("memory", error.Provider);
        Assert.Contains("'flows/bad.json'", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 3, byte 12", error.Message, StringComparison.Ordinal);
        Assert.IsType<JsonException>(error.InnerException);
        Assert.Equal("{\n  \"Name\": \"x\",\n  \"Count\": ,\n}", Encoding.UTF8.GetString(await engine.LoadBytesAsync("flows/bad.json")));
    }

    [Fact]
    public async Task Json_of_the_wrong_shape_names_the_path()
    {
        await using var engine = new MemoryEngine();
        await engine.SaveAsync("k", Encoding.UTF8.GetBytes("{\"Name\":\"x\",\"Count\":\"three\"}"));

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.LoadJsonAsync("k", SampleJsonContext.Default.SampleDocument).AsTask());

        Assert.Equal(StorageErrorCode.SerializationError, error.Code);
        Assert.Contains("$.Count", error.Message, StringComparison.Ordinal);
        Assert.Contains("SampleDocument", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_that_cannot_be_serialized_throws_SerializationError_and_leaves_the_stored_object()
    {
        await using var engine = new MemoryEngine();
        await engine.SaveAsync("node", Encoding.UTF8.GetBytes("{}"));
        var node = new CyclicNode();
        node.Next = node;

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveJsonAsync("node", node, SampleJsonContext.Default.CyclicNode).AsTask());

        Assert.Equal(StorageErrorCode.SerializationError, error.Code);
        Assert.Equal("node", error.Key);
        Assert.Equal("save", error.Operation);
        Assert.Contains("CyclicNode", error.Message, StringComparison.Ordinal);
        Assert.Equal("{}", Encoding.UTF8.GetString(await engine.LoadBytesAsync("node")));
    }

    [Fact]
    public async Task Load_of_a_missing_key_throws_NotFound_not_SerializationError()
    {
        await using var engine = new MemoryEngine();

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.LoadJsonAsync("missing", SampleJsonContext.Default.SampleDocument).AsTask());

        Assert.Equal(StorageErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task Json_save_with_an_invalid_key_throws_InvalidKey()
    {
        await using var engine = new MemoryEngine();

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveJsonAsync("a//b", Sample, SampleJsonContext.Default.SampleDocument).AsTask());

        Assert.Equal(StorageErrorCode.InvalidKey, error.Code);
    }

    [Fact]
    public async Task Failed_conditional_json_save_throws_Conflict_and_keeps_the_object()
    {
        await using var engine = new MemoryEngine();
        await engine.SaveJsonAsync("k", Sample, SampleJsonContext.Default.SampleDocument);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveJsonAsync("k", Sample with { Count = 9 }, SampleJsonContext.Default.SampleDocument, new SaveOptions { Condition = WriteCondition.IfNotExists }).AsTask());

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        Assert.Equal(3, (await engine.LoadJsonAsync("k", SampleJsonContext.Default.SampleDocument))!.Count);
    }

    [Fact]
    public async Task Cancelled_json_save_writes_nothing()
    {
        await using var engine = new MemoryEngine();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.SaveJsonAsync("k", Sample, SampleJsonContext.Default.SampleDocument, null, cancelled.Token).AsTask());

        Assert.False(await engine.ExistsAsync("k"));
    }

    [Fact]
    public async Task A_transient_engine_failure_during_a_json_save_keeps_its_code()
    {
        await using var engine = new MockEngine();
        engine.Faults.Enqueue(MockOperation.Save, StorageErrorCode.NetworkError);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveJsonAsync("k", Sample, SampleJsonContext.Default.SampleDocument).AsTask());

        Assert.Equal(StorageErrorCode.NetworkError, error.Code);
    }

    [Fact]
    public async Task A_large_document_streams_through_the_save_without_a_seekable_buffer()
    {
        var inner = new MemoryEngine();
        await using var engine = new SourceRecordingEngine(inner);
        var many = Enumerable.Range(0, 20_000).Select(i => new SampleDocument("doc-" + i, i, ["tag"])).ToList();

        var item = await engine.SaveJsonAsync("big", many, SampleJsonContext.Default.ListSampleDocument);
        var loaded = await engine.LoadJsonAsync("big", SampleJsonContext.Default.ListSampleDocument);

        Assert.False(engine.SourceWasSeekable);
        Assert.True(item.Size > 500_000);
        Assert.Equal(20_000, loaded!.Count);
        Assert.Equal("doc-19999", loaded[^1].Name);
    }

    [Fact]
    public async Task Json_null_loads_as_null()
    {
        await using var engine = new MemoryEngine();
        await engine.SaveAsync("n", Encoding.UTF8.GetBytes("null"));

        Assert.Null(await engine.LoadJsonAsync("n", SampleJsonContext.Default.SampleDocument));
    }

#pragma warning disable IL2026, IL3050 // the reflection-based overloads are under test
    [Fact]
    public async Task Reflection_overloads_round_trip_with_serializer_options()
    {
        await using var engine = new MemoryEngine();
        var camelCase = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        await engine.SaveJsonAsync("k", Sample, camelCase);
        var loaded = await engine.LoadJsonAsync<SampleDocument>("k", camelCase);

        Assert.StartsWith("{\"name\":", Encoding.UTF8.GetString(await engine.LoadBytesAsync("k")), StringComparison.Ordinal);
        Assert.Equal(Sample.Name, loaded!.Name);
    }

    [Fact]
    public async Task Reflection_overload_reports_malformed_json_with_its_position()
    {
        await using var engine = new MemoryEngine();
        await engine.SaveAsync("k", Encoding.UTF8.GetBytes("[1, 2,"));

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.LoadJsonAsync<int[]>("k").AsTask());

        Assert.Equal(StorageErrorCode.SerializationError, error.Code);
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reflection_overload_reports_an_unserializable_value()
    {
        await using var engine = new MemoryEngine();
        var node = new CyclicNode();
        node.Next = node;

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveJsonAsync("k", node).AsTask());

        Assert.Equal(StorageErrorCode.SerializationError, error.Code);
        Assert.False(await engine.ExistsAsync("k"));
    }
#pragma warning restore IL2026, IL3050

    [Fact]
    public async Task A_serializer_failure_after_the_engine_stopped_reading_is_still_reported()
    {
        await using var engine = new NonReadingEngine();
        var node = new CyclicNode();
        node.Next = node;

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveJsonAsync("k", node, SampleJsonContext.Default.CyclicNode).AsTask());

        Assert.Equal(StorageErrorCode.SerializationError, error.Code);
    }

    [Fact]
    public async Task Quota_on_a_json_save_is_reported_as_QuotaExceeded()
    {
        await using var engine = new MockEngine(new MockOptions { QuotaBytes = 10 });

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.SaveJsonAsync("k", Sample, SampleJsonContext.Default.SampleDocument).AsTask());

        Assert.Equal(StorageErrorCode.QuotaExceeded, error.Code);
        Assert.False(await engine.ExistsAsync("k"));
    }

    /// <summary>A broken engine that returns without reading its source, to prove producer errors are never lost.</summary>
    private sealed class NonReadingEngine() : DelegatingStorageEngine(new MemoryEngine())
    {
        public override string EngineType => "non-reading";

        protected override ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new StorageItem { Key = key, Size = 0, Created = DateTimeOffset.UnixEpoch, Updated = DateTimeOffset.UnixEpoch, ETag = "\"x\"" });
    }

    private sealed class SourceRecordingEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public bool SourceWasSeekable { get; private set; } = true;

        public override string EngineType => "recording";

        protected override ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
        {
            SourceWasSeekable = content.CanSeek;
            return base.SaveCoreAsync(key, content, options, cancellationToken);
        }
    }
}
