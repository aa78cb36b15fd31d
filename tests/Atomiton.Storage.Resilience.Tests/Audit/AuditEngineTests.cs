using System.Text;
using System.Text.Json;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Resilience.Audit;
using Microsoft.Extensions.Time.Testing;

namespace Atomiton.Storage.Resilience.Tests.Audit;

public sealed class AuditEngineTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Every_operation_is_recorded_without_content_and_the_chain_verifies()
    {
        string path = _folder.File("audit.jsonl");
        await using (var engine = Audited(path))
        {
            await engine.SaveAsync("flows/a.json", Encoding.UTF8.GetBytes("SECRET-CONTENT"));
            await engine.LoadBytesAsync("flows/a.json");
            await engine.StatAsync("flows/a.json");
            await engine.ExistsAsync("flows/a.json");
            await engine.CopyAsync("flows/a.json", "flows/b.json");
            await engine.MoveAsync("flows/b.json", "flows/c.json");
            await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = "flows/" }))
            {
                Assert.NotNull(entry);
            }

            await engine.DeleteAsync("flows/a.json");
            await engine.GetInfoAsync();
            Assert.True((await engine.VerifyAsync()).IsValid);
        }

        var lines = await File.ReadAllLinesAsync(path);
        var records = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();

        Assert.Equal(["save", "load", "stat", "exists", "copy", "move", "list", "delete", "info"], records.Select(r => r.GetProperty("op").GetString()));
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), records.Select(r => r.GetProperty("seq").GetInt64()));
        Assert.All(records, r => Assert.Equal("ok", r.GetProperty("outcome").GetString()));
        Assert.Equal(14, records[0].GetProperty("size").GetInt64());
        Assert.Equal("flows/c.json", records[5].GetProperty("to").GetString());
        Assert.Equal(2, records[6].GetProperty("size").GetInt64());
        Assert.Equal("2026-11-24T12:00:00.0000000Z", records[0].GetProperty("time").GetString());
        Assert.Equal("main", records[0].GetProperty("pipeline").GetString());
        Assert.DoesNotContain(lines, line => line.Contains("SECRET", StringComparison.Ordinal));
        var verification = await AuditVerifier.VerifyFileAsync(path);
        Assert.True(verification.IsValid, verification.ToString());
        Assert.Equal(9, verification.Records);
    }

    [Fact]
    public async Task A_batch_delete_is_recorded_once_per_key()
    {
        string path = _folder.File("audit-many.jsonl");
        await using (var engine = Audited(path))
        {
            await engine.SaveAsync("a", new byte[] { 1 });
            await engine.SaveAsync("b", new byte[] { 2 });
            await engine.DeleteManyAsync(["a", "b", "c"]);
            Assert.True((await engine.VerifyAsync()).IsValid);
        }

        var records = (await File.ReadAllLinesAsync(path)).Select(line => JsonDocument.Parse(line).RootElement).ToList();

        Assert.Equal(["save", "save", "delete", "delete", "delete"], records.Select(r => r.GetProperty("op").GetString()));
        Assert.Equal(["a", "b", "a", "b", "c"], records.Select(r => r.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task Editing_one_line_is_detected_at_that_line()
    {
        string path = await WriteLogAsync(5);
        var lines = await File.ReadAllLinesAsync(path);
        lines[2] = lines[2].Replace("\"outcome\":\"ok\"", "\"outcome\":\"NotFound\"", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(path, lines);

        var verification = await AuditVerifier.VerifyFileAsync(path);

        Assert.False(verification.IsValid);
        Assert.Equal(3, verification.FailedLine);
        Assert.Contains("altered", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(2, verification.Records);
        Assert.Contains("line 3", verification.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_one_line_is_detected_at_that_line()
    {
        string path = await WriteLogAsync(5);
        var lines = (await File.ReadAllLinesAsync(path)).ToList();
        lines.RemoveAt(3);
        await File.WriteAllLinesAsync(path, lines);

        var verification = await AuditVerifier.VerifyFileAsync(path);

        Assert.False(verification.IsValid);
        Assert.Equal(4, verification.FailedLine);
        Assert.Contains("it is record 5 but should be record 4", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_records_from_the_end_is_detected_against_the_kept_head()
    {
        string path = _folder.File("audit.jsonl");
        AuditHead head;
        await using (var engine = Audited(path))
        {
            for (int i = 0; i < 4; i++)
            {
                await engine.SaveAsync($"k{i}", new byte[] { 1 });
            }

            head = engine.Head!;
        }

        var lines = await File.ReadAllLinesAsync(path);
        await File.WriteAllLinesAsync(path, lines[..^1]);

        Assert.True((await AuditVerifier.VerifyFileAsync(path)).IsValid);
        var verification = await AuditVerifier.VerifyFileAsync(path, head);
        Assert.False(verification.IsValid);
        Assert.Contains("removed from the end", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(4, verification.FailedLine);
    }

    [Fact]
    public async Task A_cut_short_line_is_reported_as_not_a_record()
    {
        string path = await WriteLogAsync(2);
        var lines = await File.ReadAllLinesAsync(path);
        await File.WriteAllLinesAsync(path, [lines[0], lines[1][..40]]);

        var verification = await AuditVerifier.VerifyFileAsync(path);

        Assert.Equal(2, verification.FailedLine);
        Assert.Contains("not an audit record", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restarted_stage_continues_the_chain()
    {
        string path = await WriteLogAsync(3);
        await using (var engine = Audited(path))
        {
            await engine.SaveAsync("after/restart", new byte[] { 1 });
            Assert.Equal(4, engine.Head!.Sequence);
        }

        var verification = await AuditVerifier.VerifyFileAsync(path);
        Assert.True(verification.IsValid, verification.ToString());
        Assert.Equal(4, verification.Records);
    }

    [Fact]
    public async Task A_broken_log_is_not_continued_but_operations_still_succeed()
    {
        string path = await WriteLogAsync(3);
        var lines = await File.ReadAllLinesAsync(path);
        await File.WriteAllLinesAsync(path, [lines[0], lines[2]]);
        var logger = new RecordingLogger();

        await using var engine = new AuditEngine(new MemoryEngine(), new JsonLinesAuditSink(path), "main", "audit", null, _time, logger);
        await engine.SaveAsync("k", new byte[] { 1 });
        var info = await engine.GetInfoAsync();

        Assert.Equal(2, engine.FailedRecords);
        Assert.Equal(2, (await File.ReadAllLinesAsync(path)).Length);
        Assert.Equal(StorageHealthDetails.Unhealthy, info.Details[StorageHealthDetails.Status]);
        Assert.Contains("cannot be continued", info.Details[StorageHealthDetails.Reason], StringComparison.Ordinal);
        Assert.Contains(logger.Messages, m => m.Level == StorageLogLevel.Error && m.Text.Contains("'k'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failures_are_recorded_with_their_code_and_the_caller_with_it()
    {
        string path = _folder.File("audit.jsonl");
        await using (var engine = Audited(path, new AuditOptions { DefaultCaller = "service" }))
        {
            await Assert.ThrowsAsync<StorageException>(() => engine.LoadBytesAsync("missing").AsTask());
            using (AuditCaller.Begin("alice"))
            {
                await engine.SaveAsync("k", new byte[] { 1 });
                Assert.Equal("alice", AuditCaller.Current);
            }

            Assert.Null(AuditCaller.Current);
        }

        var records = (await File.ReadAllLinesAsync(path)).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal("NotFound", records[0].GetProperty("outcome").GetString());
        Assert.Equal("service", records[0].GetProperty("caller").GetString());
        Assert.Equal("alice", records[1].GetProperty("caller").GetString());
    }

    [Fact]
    public async Task Cancelled_operations_are_recorded_as_cancelled()
    {
        string path = _folder.File("audit.jsonl");
        var time = new FakeTimeProvider();
        await using (var engine = new AuditEngine(new MockEngine(new MockOptions { Latency = TimeSpan.FromSeconds(1) }, time), new JsonLinesAuditSink(path), "main", "audit"))
        {
            using var cancellation = new CancellationTokenSource();
            var save = engine.SaveAsync("k", new byte[] { 1 }, null, cancellation.Token).AsTask();
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => save);
        }

        Assert.Contains("\"outcome\":\"cancelled\"", (await File.ReadAllLinesAsync(path))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_reads_only_writes_are_recorded()
    {
        string path = _folder.File("audit.jsonl");
        await using (var engine = Audited(path, new AuditOptions { IncludeReads = false }))
        {
            await engine.SaveAsync("k", new byte[] { 1 });
            await engine.LoadBytesAsync("k");
            await foreach (var entry in engine.ListAsync())
            {
                Assert.NotNull(entry);
            }

            await engine.DeleteAsync("k");
        }

        var ops = (await File.ReadAllLinesAsync(path)).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("op").GetString());
        Assert.Equal(["save", "delete"], ops);
    }

    [Fact]
    public async Task A_failing_listing_is_recorded_with_its_code()
    {
        string path = _folder.File("audit.jsonl");
        var mock = new MockEngine();
        mock.Faults.Enqueue(MockOperation.List, StorageErrorCode.NetworkError);
        await using (var engine = new AuditEngine(mock, new JsonLinesAuditSink(path), "main", "audit"))
        {
            await Assert.ThrowsAsync<StorageException>(async () =>
            {
                await foreach (var entry in engine.ListAsync())
                {
                    Assert.NotNull(entry);
                }
            });
        }

        Assert.Contains("\"outcome\":\"NetworkError\"", (await File.ReadAllLinesAsync(path))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_can_go_to_another_pipeline_and_verify_there()
    {
        var store = new MemoryEngine();
        var sink = new PipelineAuditSink(store, "log/", ownsEngine: false);
        await using (var engine = new AuditEngine(new MemoryEngine(), sink, "main", "audit", null, _time))
        {
            await engine.SaveAsync("a", new byte[] { 1 });
            await engine.DeleteAsync("a");
            Assert.True((await engine.VerifyAsync()).IsValid);
        }

        var keys = new List<string>();
        await foreach (var entry in store.ListAsync())
        {
            keys.Add(entry.Key);
        }

        Assert.Equal(["log/0000000000000000001.json", "log/0000000000000000002.json"], keys);
        var conflict = await Assert.ThrowsAsync<StorageException>(() => new PipelineAuditSink(store, "log/", ownsEngine: false).AppendAsync(1, "{}").AsTask());
        Assert.Equal(StorageErrorCode.Conflict, conflict.Code);
        Assert.True((await AuditVerifier.VerifyAsync(new PipelineAuditSink(store, "log/", ownsEngine: false))).IsValid);
    }

    [Fact]
    public async Task Provider_writes_to_a_path_relative_to_the_configuration_folder()
    {
        var context = new StorageProviderContext { PipelineName = "main", StageName = "audit", Inner = new MemoryEngine(), BaseDirectory = _folder.Path };

        await using (var engine = await new AuditProvider().CreateAsync(new AuditOptions { Path = "logs/audit.jsonl" }, context))
        {
            await engine.SaveAsync("k", new byte[] { 1 });
        }

        Assert.True(File.Exists(_folder.File("logs/audit.jsonl")));
    }

    [Fact]
    public async Task Provider_writes_to_a_sink_pipeline()
    {
        var store = new MemoryEngine();
        var context = new StorageProviderContext
        {
            PipelineName = "main",
            StageName = "audit",
            Inner = new MemoryEngine(),
            ResolvePipeline = (name, ct) => ValueTask.FromResult<IStorageEngine>(new NonOwningEngine(store)),
        };

        await using (var engine = await new AuditProvider().CreateAsync(new AuditOptions { SinkPipeline = "audit-store" }, context))
        {
            await engine.SaveAsync("k", new byte[] { 1 });
        }

        Assert.True(await store.ExistsAsync("audit/0000000000000000001.json"));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("a.jsonl", "store")]
    public async Task Provider_needs_exactly_one_sink(string? path, string? pipeline)
    {
        var context = new StorageProviderContext { PipelineName = "main", StageName = "audit", Inner = new MemoryEngine() };

        var error = await Assert.ThrowsAsync<StorageException>(() => new AuditProvider().CreateAsync(new AuditOptions { Path = path, SinkPipeline = pipeline }, context).AsTask());

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("exactly one of the options Path", error.Message, StringComparison.Ordinal);
    }

    private AuditEngine Audited(string path, AuditOptions? options = null) =>
        new(new MemoryEngine(), new JsonLinesAuditSink(path), "main", "audit", options, _time);

    private async Task<string> WriteLogAsync(int records)
    {
        string path = _folder.File("audit.jsonl");
        await using var engine = Audited(path);
        for (int i = 0; i < records; i++)
        {
            await engine.SaveAsync($"k{i}", new byte[] { 1 });
        }

        return path;
    }

    private sealed class NonOwningEngine(IStorageEngine inner) : DelegatingStorageEngine(inner, ownsInner: false)
    {
        public override string EngineType => "non-owning";
    }
}
