using Atomiton.Storage.Memory;
using Atomiton.Storage.Tests.Cached;
using Atomiton.Storage.Tests.Encrypted;

namespace Atomiton.Storage.Tests.Pipelines;

/// <summary>Progress is reported once, by the outermost engine, in the caller's bytes (plaintext), whatever lies beneath.</summary>
public sealed class ProgressThroughPipelineTests
{
    private const int Size = 1 << 20;

    [Fact]
    public async Task A_save_through_cached_encrypted_memory_reports_plaintext_bytes_once()
    {
        await using var cached = await CachedEncryptedMemoryAsync();
        var content = EncryptedTestEngines.Content(Size, seed: 15);
        var progress = new RecordingProgress();

        await cached.SaveAsync("big.bin", new MemoryStream(content), new SaveOptions { Progress = progress, ExpectedLength = Size });

        progress.AssertStrictlyGrowingTo(Size, expectedTotal: Size);
    }

    [Fact]
    public async Task A_load_through_cached_encrypted_memory_reports_plaintext_bytes_once()
    {
        await using var cached = await CachedEncryptedMemoryAsync();
        var content = EncryptedTestEngines.Content(Size, seed: 16);
        await cached.SaveAsync("big.bin", new MemoryStream(content));
        var progress = new RecordingProgress();

        await using (var result = await cached.OpenReadAsync("big.bin", new ReadOptions { Progress = progress }))
        {
            await result.Content.CopyToAsync(Stream.Null);
        }

        progress.AssertStrictlyGrowingTo(Size, expectedTotal: Size);
    }

    [Fact]
    public async Task Load_bytes_through_cached_encrypted_memory_reports_plaintext_bytes_once()
    {
        await using var cached = await CachedEncryptedMemoryAsync();
        await cached.SaveAsync("big.bin", new MemoryStream(EncryptedTestEngines.Content(Size, seed: 17)));
        var progress = new RecordingProgress();

        var bytes = await cached.LoadBytesAsync("big.bin", new ReadOptions { Progress = progress });

        Assert.Equal(Size, bytes.Length);
        progress.AssertStrictlyGrowingTo(Size, expectedTotal: Size);
    }

    private static async Task<IStorageEngine> CachedEncryptedMemoryAsync()
    {
        var encrypted = await EncryptedTestEngines.WithKeyAsync(new MemoryEngine(), ownsInner: true);
        return await CachedTestEngines.CreateAsync(encrypted);
    }

    private sealed class RecordingProgress : IProgress<StorageProgress>
    {
        private readonly List<StorageProgress> _reports = [];

        public void Report(StorageProgress value)
        {
            lock (_reports)
            {
                _reports.Add(value);
            }
        }

        public void AssertStrictlyGrowingTo(long final, long? expectedTotal)
        {
            Assert.NotEmpty(_reports);
            for (int i = 1; i < _reports.Count; i++)
            {
                Assert.True(_reports[i].BytesTransferred > _reports[i - 1].BytesTransferred,
                    $"report {i} ({_reports[i].BytesTransferred}) does not grow past report {i - 1} ({_reports[i - 1].BytesTransferred}): bytes were reported twice or by a stage beneath");
            }

            Assert.Equal(final, _reports[^1].BytesTransferred);
            Assert.All(_reports, report => Assert.Equal(expectedTotal, report.TotalBytes));
        }
    }
}
