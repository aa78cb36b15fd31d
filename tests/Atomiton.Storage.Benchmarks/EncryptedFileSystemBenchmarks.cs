using System.Security.Cryptography;
using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Plugins.FileSystem;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Atomiton.Storage.Benchmarks;

/// <summary>
/// The real stack, <c>encrypted → filesystem</c>, against the plain filesystem engine and raw
/// System.IO side by side (save = <c>SaveAsync(key, byte[])</c>, load = <c>LoadBytesAsync</c>), and
/// AES-256-GCM alone over the same bytes in 64 KiB segments (the floor encryption cannot go under).
/// Target: encrypted ≥ 0.7× the plain filesystem engine.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
public class EncryptedFileSystemBenchmarks
{
    private const int Segment = 64 * 1024;
    private static readonly byte[] RingKey = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _tag = new byte[16];
    private string _root = "";
    private string _rawDir = "";
    private FileSystemEngine _plain = null!;
    private EncryptedEngine _encrypted = null!;
    private AesGcm _aes = null!;
    private byte[] _content = [];
    private byte[] _sealed = [];
    private byte[] _opened = [];

    /// <summary>Object size in bytes.</summary>
    [Params(1024, 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _root = Path.Combine(Path.GetTempPath(), "atomiton-bench-encfs-" + Guid.NewGuid().ToString("N")[..8]);
        _rawDir = Path.Combine(_root, "raw");
        Directory.CreateDirectory(_rawDir);
        _plain = new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(_root, "plain") });
        _encrypted = new EncryptedEngine(
            new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(_root, "encrypted") }),
            new EncryptionKeyRing("k1").Add("k1", RingKey));
        _content = new byte[Size];
        new Random(42).NextBytes(_content);
        _sealed = new byte[Size + (16 * ((Size + Segment - 1) / Segment))];
        _opened = new byte[Size];
        _aes = new AesGcm(RingKey, 16);
        await _plain.SaveAsync("bench/read", _content);
        await _encrypted.SaveAsync("bench/read", _content);
        await File.WriteAllBytesAsync(Path.Combine(_rawDir, "read"), _content);
        if (!(await _encrypted.LoadBytesAsync("bench/read")).AsSpan().SequenceEqual(_content))
        {
            throw new InvalidOperationException("encrypted → filesystem did not round-trip the content.");
        }

        AesGcmSeal();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _plain.DisposeAsync();
        await _encrypted.DisposeAsync();
        _aes.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "save: filesystem")]
    [BenchmarkCategory("save")]
    public ValueTask<StorageItem> FileSystemSave() => _plain.SaveAsync("bench/write", _content);

    [Benchmark(Description = "save: encrypted → filesystem")]
    [BenchmarkCategory("save")]
    public ValueTask<StorageItem> EncryptedSave() => _encrypted.SaveAsync("bench/write", _content);

    [Benchmark(Description = "save: raw File.WriteAllBytesAsync")]
    [BenchmarkCategory("save")]
    public Task RawSaveAsync() => File.WriteAllBytesAsync(Path.Combine(_rawDir, "write"), _content);

    [Benchmark(Description = "save: AES-256-GCM alone (seal in 64 KiB segments, no I/O)")]
    [BenchmarkCategory("save")]
    public void AesGcmSeal()
    {
        int tagged = 0;
        for (int offset = 0; offset < _content.Length; offset += Segment)
        {
            int length = Math.Min(Segment, _content.Length - offset);
            _nonce[8] = (byte)(offset / Segment);
            _aes.Encrypt(_nonce, _content.AsSpan(offset, length), _sealed.AsSpan(offset + tagged, length), _sealed.AsSpan(offset + tagged + length, 16));
            tagged += 16;
        }
    }

    [Benchmark(Description = "save: per-object key setup alone (HKDF-SHA256 + new AesGcm)")]
    [BenchmarkCategory("save")]
    public void KeySetup()
    {
        Span<byte> key = stackalloc byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, RingKey, key, _tag, "atomiton-storage segment key v1"u8);
        using var aes = new AesGcm(key, 16);
    }

    [Benchmark(Description = "save: HKDF-SHA256 alone (per-object segment key)")]
    [BenchmarkCategory("save")]
    public void Hkdf()
    {
        Span<byte> key = stackalloc byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, RingKey, key, _tag, "atomiton-storage segment key v1"u8);
    }

    [Benchmark(Description = "save: new AesGcm alone (key schedule, native context)")]
    [BenchmarkCategory("save")]
    public void NewAesGcm()
    {
        using var aes = new AesGcm(RingKey, 16);
    }

    [Benchmark(Baseline = true, Description = "load: filesystem")]
    [BenchmarkCategory("load")]
    public ValueTask<byte[]> FileSystemLoad() => _plain.LoadBytesAsync("bench/read");

    [Benchmark(Description = "load: encrypted → filesystem")]
    [BenchmarkCategory("load")]
    public ValueTask<byte[]> EncryptedLoad() => _encrypted.LoadBytesAsync("bench/read");

    [Benchmark(Description = "load: raw File.ReadAllBytesAsync")]
    [BenchmarkCategory("load")]
    public Task<byte[]> RawLoadAsync() => File.ReadAllBytesAsync(Path.Combine(_rawDir, "read"));

    [Benchmark(Description = "load: AES-256-GCM alone (open in 64 KiB segments, no I/O)")]
    [BenchmarkCategory("load")]
    public void AesGcmOpen()
    {
        int tagged = 0;
        for (int offset = 0; offset < _content.Length; offset += Segment)
        {
            int length = Math.Min(Segment, _content.Length - offset);
            _nonce[8] = (byte)(offset / Segment);
            _aes.Decrypt(_nonce, _sealed.AsSpan(offset + tagged, length), _sealed.AsSpan(offset + tagged + length, 16), _opened.AsSpan(offset, length));
            tagged += 16;
        }
    }
}
