using Atomiton.Storage.Providers;
using Atomiton.Storage.TestSupport;
using Azure.Storage;
using Azure.Storage.Blobs;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Atomiton.Storage.Plugins.AzureBlob.Benchmarks;

/// <summary>
/// Save and load of one object through the <c>azureblob</c> engine against the Azure SDK's own
/// <see cref="BlobClient"/> (<c>UploadAsync(overwrite)</c>, <c>DownloadContentAsync</c>) on the same Azurite,
/// in the same run. The engine uses its default 8 MiB blocks (a 16 MiB save is two staged blocks and a
/// commit, then a stat for the item it returns); the raw client uses the SDK's defaults (one request up to 256 MiB).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessShortConfig))]
public class AzureBlobTransferBenchmarks
{
    /// <summary>In this process (no per-job build), 3 warm-up and 15 measured iterations: Azurite's own cost dominates, not jitting.</summary>
    private sealed class InProcessShortConfig : ManualConfig
    {
        public InProcessShortConfig() =>
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(15));
    }

    private AzuriteProcess _azurite = null!;
    private AzureBlobEngine _engine = null!;
    private BlobContainerClient _raw = null!;
    private byte[] _content = [];

    [Params(1, 16)]
    public int SizeMiB { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _azurite = await AzuriteProcess.StartAsync(extentMemoryLimitMiB: 2048) ?? throw new InvalidOperationException(AzuriteProcess.Missing);
        _content = new byte[SizeMiB * 1024 * 1024];
        new Random(22).NextBytes(_content);
        _engine = await AzureBlobEngine.ConnectAsync(
            new AzureBlobOptions { Container = "bench", ServiceUrl = _azurite.ServiceUrl, AccountKey = AzuriteProcess.AccountKey, CreateContainer = true },
            new StorageProviderContext { PipelineName = "bench", StageName = "blob" });
        _raw = new BlobServiceClient(new Uri(_azurite.ServiceUrl), new StorageSharedKeyCredential(AzuriteProcess.AccountName, AzuriteProcess.AccountKey)).GetBlobContainerClient("bench");
        await _engine.SaveAsync("engine.bin", _content);
        await _raw.GetBlobClient("raw.bin").UploadAsync(new BinaryData(_content), overwrite: true);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _engine.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Benchmark(Description = "save: engine")]
    public async Task<string> EngineSave() => (await _engine.SaveAsync("engine.bin", new MemoryStream(_content, writable: false))).ETag;

    [Benchmark(Description = "save: raw BlobClient")]
    public async Task<string> RawSave() => (await _raw.GetBlobClient("raw.bin").UploadAsync(new MemoryStream(_content, writable: false), overwrite: true)).Value.ETag.ToString();

    [Benchmark(Description = "load: engine")]
    public async Task<int> EngineLoad() => (await _engine.LoadBytesAsync("engine.bin")).Length;

    [Benchmark(Description = "load: raw BlobClient")]
    public async Task<int> RawLoad() => (await _raw.GetBlobClient("raw.bin").DownloadContentAsync()).Value.Content.ToMemory().Length;
}
