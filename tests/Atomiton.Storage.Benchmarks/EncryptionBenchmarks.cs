using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FluentStorage;
using FluentStorage.Storage;

namespace Atomiton.Storage.Benchmarks;

/// <summary>
/// Save and load through encrypted → memory, memory alone, and FluentStorage's in-memory store with
/// <c>WithAesSymmetricEncryption</c>, side by side. Target: encrypted 1 MiB throughput ≥ 0.7× memory.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
public class EncryptionBenchmarks
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
    private MemoryEngine _memory = null!;
    private EncryptedEngine _encrypted = null!;
    private IStore _fluentAes = null!;
    private byte[] _content = null!;

    /// <summary>Object size in bytes.</summary>
    [Params(1024, 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _content = new byte[Size];
        new Random(42).NextBytes(_content);
        _memory = new MemoryEngine();
        _encrypted = new EncryptedEngine(new MemoryEngine(), new EncryptionKeyRing("k1").Add("k1", Key));
        _fluentAes = StorageFactory.InMemory().WithAesSymmetricEncryption(Convert.ToBase64String(Key));
        await _memory.SaveAsync("bench/read", _content);
        await _encrypted.SaveAsync("bench/read", _content);
        await _fluentAes.SetBytes("bench/read", _content, true, CancellationToken.None);
        if (!(await _fluentAes.GetBytes("bench/read", CancellationToken.None)).AsSpan().SequenceEqual(_content))
        {
            throw new InvalidOperationException("FluentStorage's AES store did not round-trip the content.");
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("save")]
    public ValueTask<StorageItem> Memory_save() => _memory.SaveAsync("bench/write", _content);

    [Benchmark]
    [BenchmarkCategory("save")]
    public ValueTask<StorageItem> Encrypted_save() => _encrypted.SaveAsync("bench/write", _content);

    [Benchmark]
    [BenchmarkCategory("save")]
    public Task FluentStorage_aes_save() => _fluentAes.SetBytes("bench/write", _content, true, CancellationToken.None);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("load")]
    public ValueTask<byte[]> Memory_load() => _memory.LoadBytesAsync("bench/read");

    [Benchmark]
    [BenchmarkCategory("load")]
    public ValueTask<byte[]> Encrypted_load() => _encrypted.LoadBytesAsync("bench/read");

    [Benchmark]
    [BenchmarkCategory("load")]
    public Task<byte[]> FluentStorage_aes_load() => _fluentAes.GetBytes("bench/read", CancellationToken.None);
}
