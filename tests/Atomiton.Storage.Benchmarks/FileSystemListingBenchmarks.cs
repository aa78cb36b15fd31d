using Atomiton.Storage.Plugins.FileSystem;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using FluentStorage;
using FluentStorage.Storage;

namespace Atomiton.Storage.Benchmarks;

/// <summary>Listing 100,000 keys of one folder: the engine (full items, and keys only) against Directory.EnumerateFiles and FluentStorage's disk store.</summary>
// Eight warm-up invocations: the engine is JIT-compiled and reaches optimized (tier-1) code only
// after several invocations of a listing, while the System.IO baselines are precompiled framework
// code. One warm-up measured the engine's listing at tier 0 (about twice as slow).
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 8, iterationCount: 5)]
[MemoryDiagnoser]
public class FileSystemListingBenchmarks
{
    private const int Keys = 100_000;
    private string _root = "";
    private string _rawDir = "";
    private FileSystemEngine _engine = null!;
    private IStore _fluent = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "atomiton-bench-list-" + Guid.NewGuid().ToString("N")[..8]);
        _rawDir = Path.Combine(_root, "raw");
        Directory.CreateDirectory(_rawDir);
        Directory.CreateDirectory(Path.Combine(_root, "fluent"));
        _engine = new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(_root, "engine") });
        _fluent = StorageFactory.Disk(Path.Combine(_root, "fluent"));
        byte[] content = [1, 2, 3];
        for (int i = 0; i < Keys; i++)
        {
            string key = $"key-{i:D7}";
            _engine.SaveAsync(key, content).AsTask().GetAwaiter().GetResult();
            File.WriteAllBytes(Path.Combine(_rawDir, key), content);
            _fluent.SetBytes(key, content, false, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        (_fluent as IDisposable)?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Description = "list 100k: engine (keys with size, ETag, times)")]
    public async Task<int> EngineList()
    {
        int count = 0;
        await foreach (var entry in _engine.ListAsync())
        {
            count++;
        }

        return count;
    }

    [Benchmark(Description = "list 100k: engine keys only (ListOptions.KeysOnly)")]
    public async Task<int> EngineListKeysOnly()
    {
        int count = 0;
        await foreach (var entry in _engine.ListAsync(new ListOptions { KeysOnly = true }))
        {
            count++;
        }

        return count;
    }

    [Benchmark(Baseline = true, Description = "list 100k: raw Directory.EnumerateFiles (names only)")]
    public int RawList() => Directory.EnumerateFiles(_rawDir).Count();

    [Benchmark(Description = "list 100k: raw EnumerateFiles + FileInfo.Length")]
    public long RawListWithSizes() => new DirectoryInfo(_rawDir).EnumerateFiles().Sum(file => file.Length);

    [Benchmark(Description = "list 100k: FluentStorage disk")]
    public async Task<int> FluentList() => (await _fluent.ListObjects(new StorageListOptions { Recurse = true }, CancellationToken.None)).Count;
}
