using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Resilience.Observability;

namespace Atomiton.Storage.Resilience.Tests.Observability;

public sealed class InstrumentedStorageEngineTests : IDisposable
{
    private readonly string _pipeline = "p-" + Guid.NewGuid().ToString("N");
    private readonly StorageTelemetry _telemetry = new();
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public InstrumentedStorageEngineTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == _telemetry.Meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StorageTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("storage.pipeline"), _pipeline))
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);
    }

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
        _telemetry.Dispose();
    }

    [Fact]
    public async Task Operations_produce_counts_durations_bytes_and_traces()
    {
        await using var engine = _telemetry.Instrument(new MemoryEngine(), _pipeline, "disk");

        await engine.SaveAsync("docs/a", new byte[100]);
        await using (var read = await engine.OpenReadAsync("docs/a"))
        {
            await read.ReadAllAsync();
        }

        await engine.ExistsAsync("docs/a");

        var operations = Measured("atomiton.storage.operations");
        Assert.Equal(3, operations.Count);
        Assert.All(operations, m => Assert.Equal("ok", m.Tags["outcome"]));
        Assert.All(operations, m => Assert.Equal("disk", m.Tags["storage.stage"]));
        Assert.All(operations, m => Assert.Equal("memory", m.Tags["storage.engine"]));
        Assert.Equal(["save", "load", "exists"], operations.Select(m => (string)m.Tags["storage.operation"]!));
        Assert.Equal(3, Measured("atomiton.storage.operation.duration").Count);
        var bytes = Measured("atomiton.storage.bytes");
        Assert.Contains(bytes, m => m.Value == 100 && (string)m.Tags["direction"]! == "write");
        Assert.Contains(bytes, m => m.Value == 100 && (string)m.Tags["direction"]! == "read");

        var traces = _stopped.ToList();
        Assert.Equal(["storage.save", "storage.load", "storage.exists"], traces.Select(a => a.OperationName));
        Assert.All(traces, a => Assert.Equal("docs/a", a.GetTagItem("storage.key")));
        Assert.All(traces, a => Assert.Equal("ok", a.GetTagItem("storage.outcome")));
    }

    [Fact]
    public async Task LoadBytes_is_one_measured_load_with_its_bytes_and_a_failed_one_an_error()
    {
        await using var engine = _telemetry.Instrument(new Atomiton.Storage.Cached.CachedEngine(new MemoryEngine()), _pipeline, "lru");
        await engine.SaveAsync("docs/a", new byte[100]);
        await engine.LoadBytesAsync("docs/a"); // a miss: fills the cache

        Assert.Equal(new byte[100], await engine.LoadBytesAsync("docs/a")); // a hit, answered with an array
        await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("missing"));

        var operations = Measured("atomiton.storage.operations");
        Assert.Equal(["save", "load", "load", "load"], operations.Select(m => (string)m.Tags["storage.operation"]!));
        Assert.Equal(["ok", "ok", "ok", "error"], operations.Select(m => (string)m.Tags["outcome"]!));
        Assert.Equal([100d, 100d], Measured("atomiton.storage.bytes").Where(m => (string)m.Tags["direction"]! == "read").Select(m => m.Value));
        Assert.Equal("NotFound", Assert.Single(Measured("atomiton.storage.errors")).Tags["error.code"]);
        Assert.Equal(["storage.save", "storage.load", "storage.load", "storage.load"], _stopped.Select(a => a.OperationName));
    }

    [Fact]
    public async Task Failures_are_counted_by_code_traced_as_errors_and_logged_without_content()
    {
        var logger = new RecordingLogger();
        await using var engine = _telemetry.Instrument(new MemoryEngine(), _pipeline, "disk", new TelemetryOptions { Logger = logger });

        await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("missing").AsTask());

        var error = Assert.Single(Measured("atomiton.storage.errors"));
        Assert.Equal("NotFound", error.Tags["error.code"]);
        Assert.Equal("error", Assert.Single(Measured("atomiton.storage.operations")).Tags["outcome"]);
        var trace = Assert.Single(_stopped);
        Assert.Equal(ActivityStatusCode.Error, trace.Status);
        Assert.Equal("NotFound", trace.GetTagItem("error.code"));
        var log = Assert.Single(logger.Messages);
        Assert.Equal(StorageLogLevel.Debug, log.Level);
        Assert.Contains("stat of key 'missing' failed with NotFound", log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_can_be_kept_out_of_traces_and_logs()
    {
        var logger = new RecordingLogger();
        await using var engine = _telemetry.Instrument(new MemoryEngine(), _pipeline, "disk", new TelemetryOptions { IncludeKeys = false, Logger = logger });

        await Assert.ThrowsAsync<StorageException>(() => engine.StatAsync("private/name").AsTask());

        Assert.Null(Assert.Single(_stopped).GetTagItem("storage.key"));
        Assert.DoesNotContain("private/name", Assert.Single(logger.Messages).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelled_calls_are_counted_as_cancelled_not_errors()
    {
        await using var engine = _telemetry.Instrument(new MockEngine(new MockOptions { Latency = TimeSpan.FromSeconds(60) }), _pipeline, "slow");
        using var cancellation = new CancellationTokenSource();

        var stat = engine.StatAsync("k", cancellation.Token).AsTask();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stat);

        Assert.Equal("cancelled", Assert.Single(Measured("atomiton.storage.operations")).Tags["outcome"]);
        Assert.Empty(Measured("atomiton.storage.errors"));
    }

    [Fact]
    public async Task Listing_copy_move_delete_and_info_are_measured_and_the_engine_stays_transparent()
    {
        var inner = new MemoryEngine();
        await using var engine = _telemetry.Instrument(inner, _pipeline, "disk");
        await engine.SaveAsync("a", new byte[] { 1 });
        await engine.CopyAsync("a", "b");
        await engine.MoveAsync("b", "c");
        await foreach (var entry in engine.ListAsync())
        {
            Assert.NotNull(entry);
        }

        await engine.DeleteAsync("a");
        var info = await engine.GetInfoAsync();

        Assert.Equal("memory", engine.EngineType);
        Assert.Equal(inner.Capabilities, engine.Capabilities);
        Assert.Equal("memory", info.EngineType);
        Assert.Null(info.Inner);
        Assert.Equal(["save", "copy", "move", "list", "delete", "info"], Measured("atomiton.storage.operations").Select(m => (string)m.Tags["storage.operation"]!));
        Assert.Equal(_pipeline, engine.Pipeline);
        Assert.Equal("disk", engine.Stage);
    }

    [Fact]
    public async Task A_failing_listing_is_measured_as_an_error()
    {
        var mock = new MockEngine();
        mock.Faults.Enqueue(MockOperation.List, StorageErrorCode.NetworkError);
        await using var engine = _telemetry.Instrument(mock, _pipeline, "flaky");

        await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await foreach (var entry in engine.ListAsync())
            {
                Assert.NotNull(entry);
            }
        });

        Assert.Equal("error", Assert.Single(Measured("atomiton.storage.operations")).Tags["outcome"]);
    }

    [Fact]
    public async Task Telemetry_provider_instruments_the_stage_beneath_with_the_context_names()
    {
        var provider = new TelemetryProvider();
        var context = new StorageProviderContext { PipelineName = _pipeline, StageName = "memory", Inner = new MemoryEngine() };

        await using var engine = (InstrumentedStorageEngine)await provider.CreateAsync(new TelemetryOptions(), context);

        Assert.Equal("telemetry", provider.Name);
        Assert.Equal(StorageProviderKind.Wrapper, provider.Kind);
        Assert.Equal(_pipeline, engine.Pipeline);
        Assert.Equal("memory", engine.Stage);
    }

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measured(string instrument) =>
        [.. _measurements.Where(m => m.Instrument == instrument && Equals(m.Tags["storage.pipeline"], _pipeline))];

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }
}
