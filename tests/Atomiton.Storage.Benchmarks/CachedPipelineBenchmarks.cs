using Atomiton.Storage.Cached;
using Atomiton.Storage.Hosting;
using Atomiton.Storage.Memory;
using BenchmarkDotNet.Attributes;

namespace Atomiton.Storage.Benchmarks;

/// <summary>
/// A cache hit as users make it: <c>storage.LoadBytesAsync(key)</c> on a pipeline built by the host
/// from <c>plugins.json</c> (<c>cached → memory</c>, every stage instrumented as the host does by
/// default), against the same call on the cached engine alone, on a pipeline built without
/// instrumentation, and on the memory engine. Target: under 1 µs.
/// </summary>
[MemoryDiagnoser]
public class CachedPipelineBenchmarks
{
    private const string Key = "bench/hot";
    private string _folder = "";
    private StorageHost _host = null!;
    private StorageHost _plainHost = null!;
    private IStorageEngine _pipeline = null!;
    private IStorageEngine _plainPipeline = null!;
    private CachedEngine _cached = null!;
    private MemoryEngine _memory = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), "atomiton-bench-cache-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_folder);
        string file = Path.Combine(_folder, "plugins.json");
        await File.WriteAllTextAsync(file, """
            {
              "pluginDirectories": [],
              "defaultPipeline": "hot",
              "stages": { "lru": { "type": "cached", "options": { "cacheSize": 100, "ttl": "01:00:00" } } },
              "pipelines": { "hot": { "chain": ["lru", "memory"] } }
            }
            """);
        _host = StorageHost.Create(new StorageHostOptions { ConfigurationFile = file });
        _plainHost = StorageHost.Create(new StorageHostOptions { ConfigurationFile = file, Telemetry = null });
        _pipeline = await _host.BuildDefaultPipelineAsync();
        _plainPipeline = await _plainHost.BuildDefaultPipelineAsync();
        _memory = new MemoryEngine();
        _cached = new CachedEngine(new MemoryEngine(), new CachedOptions { Ttl = TimeSpan.FromHours(1) });
        var content = new byte[1024];
        new Random(42).NextBytes(content);
        foreach (var engine in new[] { _pipeline, _plainPipeline, _cached, _memory })
        {
            await engine.SaveAsync(Key, content);
            if (!(await engine.LoadBytesAsync(Key)).AsSpan().SequenceEqual(content))
            {
                throw new InvalidOperationException($"{engine.EngineType} did not return the saved content.");
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _pipeline.DisposeAsync();
        await _plainPipeline.DisposeAsync();
        await _cached.DisposeAsync();
        await _memory.DisposeAsync();
        _host.Dispose();
        _plainHost.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "LoadBytesAsync: memory engine")]
    public ValueTask<byte[]> MemoryLoadBytes() => _memory.LoadBytesAsync(Key);

    [Benchmark(Description = "LoadBytesAsync hit: built pipeline cached → memory (instrumented, as users get it)")]
    public ValueTask<byte[]> PipelineLoadBytes() => _pipeline.LoadBytesAsync(Key);

    [Benchmark(Description = "LoadBytesAsync hit: built pipeline, telemetry off")]
    public ValueTask<byte[]> PlainPipelineLoadBytes() => _plainPipeline.LoadBytesAsync(Key);

    [Benchmark(Description = "LoadBytesAsync hit: CachedEngine alone")]
    public ValueTask<byte[]> CachedLoadBytes() => _cached.LoadBytesAsync(Key);
}
