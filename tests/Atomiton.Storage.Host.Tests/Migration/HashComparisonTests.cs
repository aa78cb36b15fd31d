using Atomiton.Storage.Host.Migration;
using Atomiton.Storage.Host.Progress;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Mock;

namespace Atomiton.Storage.Host.Tests.Migration;

/// <summary>
/// migrate compares reported content hashes when both sides share an algorithm, so unchanged objects
/// cost no download (counted through the mock engine), and falls back to reading content otherwise.
/// </summary>
public sealed class HashComparisonTests : IDisposable
{
    private const int Count = 1_000;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "atomiton-cli-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Migrating_1000_unchanged_objects_with_a_common_hash_reads_no_content_and_copies_the_changed_one()
    {
        await using var source = new MockEngine(new MemoryEngine());
        await using var target = new MockEngine(new MemoryEngine());
        await SeedAsync(source, target, changed: "k/00500");
        source.Calls.Reset();
        target.Calls.Reset();

        var summary = await Runner(source, target).RunAsync(CancellationToken.None);

        Assert.Equal(0, summary.Failed);
        Assert.Equal(1, summary.Copied);
        Assert.Equal(Count - 1, summary.Skipped);
        Assert.Equal(1, source.Calls[MockOperation.Load]); // the changed object, copied once
        Assert.Equal(0, target.Calls[MockOperation.Load]); // the copy is verified by the hash the target reports
        Assert.Equal(1, target.Calls[MockOperation.Save]);
        Assert.Equal(await source.LoadBytesAsync("k/00500"), await target.LoadBytesAsync("k/00500"));
    }

    [Fact]
    public async Task Without_a_common_algorithm_objects_are_still_compared_and_verified_by_content()
    {
        await using var source = new MockEngine(new HashlessEngine(new MemoryEngine()));
        await using var target = new MockEngine(new HashlessEngine(new MemoryEngine()));
        await SeedAsync(source, target, changed: "k/00007", count: 20);
        source.Calls.Reset();
        target.Calls.Reset();

        var summary = await Runner(source, target).RunAsync(CancellationToken.None);

        Assert.Equal(0, summary.Failed);
        Assert.Equal(1, summary.Copied);
        Assert.Equal(19, summary.Skipped);
        Assert.Equal(20 + 1, source.Calls[MockOperation.Load]); // every object hashed, plus the copy
        Assert.Equal(20 + 1, target.Calls[MockOperation.Load]); // every object hashed, plus reading the copy back
        Assert.Equal(await source.LoadBytesAsync("k/00007"), await target.LoadBytesAsync("k/00007"));
    }

    [Fact]
    public async Task A_target_that_reports_a_wrong_hash_for_the_copy_fails_verification()
    {
        await using var source = new MemoryEngine();
        await using var target = new CorruptingEngine(new MemoryEngine());
        await source.SaveAsync("only", new byte[] { 1, 2, 3 });

        var summary = await Runner(source, target).RunAsync(CancellationToken.None);

        var failure = Assert.Single(summary.Failures);
        Assert.Contains("sha256", failure.Reason, StringComparison.Ordinal);
    }

    private MigrationRunner Runner(IStorageEngine source, IStorageEngine target) =>
        new(new MigrationRequest("a", "b", "", false, 4, false, Path.Combine(_folder, "m.checkpoint")), source, target, new SilentProgressDisplay(), _ => { });

    private static async Task SeedAsync(IStorageEngine source, IStorageEngine target, string changed, int count = Count)
    {
        for (int i = 0; i < count; i++)
        {
            string key = $"k/{i:D5}";
            var content = Content(i);
            var options = new SaveOptions { ContentType = "application/octet-stream", Metadata = new Dictionary<string, string> { ["n"] = $"{i}" } };
            await source.SaveAsync(key, content, options);
            if (key == changed)
            {
                content = [.. content];
                content[0] ^= 0xFF; // same size, other content: only a hash tells them apart
            }

            await target.SaveAsync(key, content, options);
        }
    }

    private static byte[] Content(int i)
    {
        var random = new Random(i);
        var bytes = new byte[random.Next(1, 300)];
        random.NextBytes(bytes);
        return bytes;
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>An engine that reports no hashes (as a backend without them would).</summary>
    private sealed class HashlessEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "hashless";

        public override StorageCapabilities Capabilities => Inner.Capabilities & ~StorageCapabilities.ContentHashes;

        protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken) =>
            (await base.SaveCoreAsync(key, content, options, cancellationToken)) with { Hashes = StorageItem.EmptyMetadata };

        protected override async ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
            (await base.StatCoreAsync(key, cancellationToken)) with { Hashes = StorageItem.EmptyMetadata };

        protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
        {
            var result = await base.OpenReadCoreAsync(key, options, cancellationToken);
            return new StorageReadResult(result.Item with { Hashes = StorageItem.EmptyMetadata }, result.Content);
        }

        protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken) =>
            (await base.GetInfoCoreAsync(cancellationToken)) with { HashAlgorithms = [] };
    }

    /// <summary>Stores the content with its first byte flipped, and reports the hash of what it stored.</summary>
    private sealed class CorruptingEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "corrupting";

        protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
        {
            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken);
            var bytes = buffer.ToArray();
            bytes[0] ^= 0xFF;
            return await Inner.SaveAsync(key, bytes, options with { ExpectedLength = null }, cancellationToken);
        }
    }
}
