using Atomiton.Storage.Cached;
using Atomiton.Storage.Memory;
using BenchmarkDotNet.Attributes;

namespace Atomiton.Storage.Benchmarks;

/// <summary>
/// A cache hit (open a cached 1 KiB object and dispose it; stat a cached object) versus the same
/// operation on the memory engine beneath. Target: a hit under 1 µs, over 1 M hits/s on one thread.
/// </summary>
[MemoryDiagnoser]
public class CacheBenchmarks
{
    private MemoryEngine _memory = null!;
    private CachedEngine _cached = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _memory = new MemoryEngine();
        _cached = new CachedEngine(_memory, new CachedOptions(), ownsInner: false);
        var content = new byte[1024];
        new Random(42).NextBytes(content);
        await _cached.SaveAsync("bench/hot", content);
        await _cached.LoadBytesAsync("bench/hot");
    }

    [Benchmark(Baseline = true)]
    public async Task Memory_open()
    {
        await using var read = await _memory.OpenReadAsync("bench/hot");
    }

    [Benchmark]
    public async Task Cache_hit_open()
    {
        await using var read = await _cached.OpenReadAsync("bench/hot");
    }

    [Benchmark]
    public ValueTask<StorageItem> Memory_stat() => _memory.StatAsync("bench/hot");

    [Benchmark]
    public ValueTask<StorageItem> Cache_hit_stat() => _cached.StatAsync("bench/hot");
}
