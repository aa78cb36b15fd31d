using Atomiton.Storage.Plugins.FileSystem;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using FluentStorage;
using FluentStorage.Storage;

namespace Atomiton.Storage.Benchmarks;

/// <summary>
/// The 1 KiB non-durable save of <see cref="FileSystemBenchmarks"/> alone (1,000 objects per
/// invocation: a tenth of that batch, because the shared disk made one 10,000-object batch take a
/// minute), against raw <c>File.WriteAllBytes</c> and <c>File.WriteAllBytesAsync</c> side by
/// side, and FluentStorage's disk store. A class of its own so it can run without the 10 MiB batch,
/// which writes a gigabyte per invocation on a shared disk.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 5)]
[MemoryDiagnoser]
public class FileSystemSmallSaveBenchmarks
{
    private const int Count = 1_000;
    private string _root = "";
    private string _rawDir = "";
    private FileSystemEngine _engine = null!;
    private IStore _fluent = null!;
    private byte[] _content = [];
    private string[] _keys = [];

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "atomiton-bench-fs-small-" + Guid.NewGuid().ToString("N")[..8]);
        _rawDir = Path.Combine(_root, "raw");
        Directory.CreateDirectory(_rawDir);
        Directory.CreateDirectory(Path.Combine(_root, "fluent"));
        _engine = new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(_root, "engine") });
        _fluent = StorageFactory.Disk(Path.Combine(_root, "fluent"));
        _content = new byte[1024];
        new Random(1).NextBytes(_content);
        _keys = Enumerable.Range(0, Count).Select(i => $"obj-{i:D6}.bin").ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        (_fluent as IDisposable)?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Description = "save 1,000 × 1 KiB: engine")]
    public async Task EngineSave()
    {
        foreach (var key in _keys)
        {
            await _engine.SaveAsync(key, _content);
        }
    }

    [Benchmark(Baseline = true, Description = "save 1,000 × 1 KiB: raw File.WriteAllBytes")]
    public void RawSave()
    {
        foreach (var key in _keys)
        {
            File.WriteAllBytes(Path.Combine(_rawDir, key), _content);
        }
    }

    [Benchmark(Description = "save 1,000 × 1 KiB: raw File.WriteAllBytesAsync")]
    public async Task RawSaveAsync()
    {
        foreach (var key in _keys)
        {
            await File.WriteAllBytesAsync(Path.Combine(_rawDir, key), _content);
        }
    }

    [Benchmark(Description = "save 1,000 × 1 KiB: FluentStorage disk")]
    public async Task FluentSave()
    {
        foreach (var key in _keys)
        {
            await _fluent.SetBytes(key, _content, false, CancellationToken.None);
        }
    }
}
