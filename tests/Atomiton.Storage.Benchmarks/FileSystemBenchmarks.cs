using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Atomiton.Storage.Plugins.FileSystem;
using FluentStorage;
using FluentStorage.Storage;

namespace Atomiton.Storage.Benchmarks;

/// <summary>
/// The filesystem engine against raw System.IO and FluentStorage's disk store, side by side in one
/// process: save, load and list of a batch of objects (one invocation = the whole batch). Durable
/// saves compare with the raw equivalent: temp file, fsync, rename, fsync of the folder.
/// </summary>
// Eight warm-up invocations: the engine is JIT-compiled and reaches optimized (tier-1) code only
// after several invocations of a listing, while the System.IO baselines are precompiled framework
// code. One warm-up measured the engine's listing at tier 0 (about twice as slow).
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 8, iterationCount: 5)]
[MemoryDiagnoser]
public class FileSystemBenchmarks
{
    private string _root = "";
    private FileSystemEngine _engine = null!;
    private FileSystemEngine _durableEngine = null!;
    private IStore _fluent = null!;
    private string _rawDir = "";
    private string _durableRawDir = "";
    private byte[] _content = [];
    private string[] _keys = [];

    /// <summary>The batch: how many objects of which size.</summary>
    [Params("10000x1KiB", "100x10MiB")]
    public string Batch { get; set; } = "10000x1KiB";

    private int Count => Batch.StartsWith("10000", StringComparison.Ordinal) ? 10_000 : 100;

    private int Size => Batch.EndsWith("1KiB", StringComparison.Ordinal) ? 1024 : 10 * 1024 * 1024;

    // fsync costs milliseconds per file on this disk: durable batches are a twentieth of the others.
    private int DurableCount => Count / 20;

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "atomiton-bench-fs-" + Guid.NewGuid().ToString("N")[..8]);
        _rawDir = Path.Combine(_root, "raw");
        _durableRawDir = Path.Combine(_root, "raw-durable");
        Directory.CreateDirectory(_rawDir);
        Directory.CreateDirectory(_durableRawDir);
        _engine = new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(_root, "engine") });
        _durableEngine = new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(_root, "engine-durable"), Durable = true });
        Directory.CreateDirectory(Path.Combine(_root, "fluent"));
        _fluent = StorageFactory.Disk(Path.Combine(_root, "fluent"));
        _content = new byte[Size];
        new Random(1).NextBytes(_content);
        _keys = Enumerable.Range(0, Count).Select(i => $"obj-{i:D6}.bin").ToArray();

        // Load and list read what an earlier save wrote.
        EngineSave().GetAwaiter().GetResult();
        RawSave();
        FluentSave().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _durableEngine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        (_fluent as IDisposable)?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Description = "save: engine")]
    public async Task EngineSave()
    {
        foreach (var key in _keys)
        {
            await _engine.SaveAsync(key, _content);
        }
    }

    [Benchmark(Baseline = true, Description = "save: raw File.WriteAllBytes")]
    public void RawSave()
    {
        foreach (var key in _keys)
        {
            File.WriteAllBytes(Path.Combine(_rawDir, key), _content);
        }
    }

    // The asynchronous raw call, beside the synchronous one: the engine's API is asynchronous too.
    [Benchmark(Description = "save: raw File.WriteAllBytesAsync")]
    public async Task RawSaveAsync()
    {
        foreach (var key in _keys)
        {
            await File.WriteAllBytesAsync(Path.Combine(_rawDir, key), _content);
        }
    }

    [Benchmark(Description = "save: FluentStorage disk")]
    public async Task FluentSave()
    {
        foreach (var key in _keys)
        {
            await _fluent.SetBytes(key, _content, false, CancellationToken.None);
        }
    }

    [Benchmark(Description = "durable save (1/20 batch): engine")]
    public async Task EngineDurableSave()
    {
        for (int i = 0; i < DurableCount; i++)
        {
            await _durableEngine.SaveAsync(_keys[i], _content);
        }
    }

    [Benchmark(Description = "durable save (1/20 batch): raw temp+fsync+rename")]
    public void RawDurableSave()
    {
        for (int i = 0; i < DurableCount; i++)
        {
            string target = Path.Combine(_durableRawDir, _keys[i]);
            string temporary = target + ".tmp";
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                file.Write(_content);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
            NativeDirectory.Flush(_durableRawDir);
        }
    }

    [Benchmark(Description = "load: engine")]
    public async Task<long> EngineLoad()
    {
        long total = 0;
        foreach (var key in _keys)
        {
            total += (await _engine.LoadBytesAsync(key)).Length;
        }

        return total;
    }

    [Benchmark(Description = "load: raw File.ReadAllBytes")]
    public long RawLoad()
    {
        long total = 0;
        foreach (var key in _keys)
        {
            total += File.ReadAllBytes(Path.Combine(_rawDir, key)).Length;
        }

        return total;
    }

    // The same raw read, its array returned by an async method as an async API must (awaits that
    // complete at once, like the engine's): shows what returning a large array that way costs.
    [Benchmark(Description = "load: raw File.ReadAllBytes returned by an async method")]
    public async Task<long> RawLoadThroughAsync()
    {
        long total = 0;
        foreach (var key in _keys)
        {
            total += (await ReadAllBytesAsync(Path.Combine(_rawDir, key))).Length;
        }

        return total;
    }

    [Benchmark(Description = "load: FluentStorage disk")]
    public async Task<long> FluentLoad()
    {
        long total = 0;
        foreach (var key in _keys)
        {
            total += (await _fluent.GetBytes(key, CancellationToken.None)).Length;
        }

        return total;
    }

    private static async ValueTask<byte[]> ReadAllBytesAsync(string path)
    {
        await ValueTask.CompletedTask;
        return File.ReadAllBytes(path);
    }

    [Benchmark(Description = "list: engine")]
    public async Task<int> EngineList()
    {
        int count = 0;
        await foreach (var entry in _engine.ListAsync())
        {
            count++;
        }

        return count;
    }

    [Benchmark(Description = "list: engine keys only")]
    public async Task<int> EngineListKeysOnly()
    {
        int count = 0;
        await foreach (var entry in _engine.ListAsync(new ListOptions { KeysOnly = true }))
        {
            count++;
        }

        return count;
    }

    [Benchmark(Description = "list: raw Directory.EnumerateFiles")]
    public int RawList() => Directory.EnumerateFiles(_rawDir).Count();

    [Benchmark(Description = "list: FluentStorage disk")]
    public async Task<int> FluentList() => (await _fluent.ListObjects(new StorageListOptions { Recurse = true }, CancellationToken.None)).Count;
}
