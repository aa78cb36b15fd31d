using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

public sealed class EncryptedRotationTests
{
    private const int Objects = 20;

    [Fact]
    public async Task Rotation_interrupted_midway_loses_nothing_and_resumes()
    {
        var inner = new MemoryEngine();
        await using (var old = await WithKeyAsync(inner, KeyA, keyId: "k1"))
        {
            for (int i = 0; i < Objects; i++)
            {
                await old.SaveAsync($"items/{i:D2}", Content(1000 + (i * 7000), seed: i), new SaveOptions { ContentType = "application/x-test" });
            }
        }

        await using var rotating = await WithKeyAsync(inner, KeyB, keyId: "k2", previousKeys: "k1=" + KeyA);
        using var stop = new CancellationTokenSource();
        var progress = new SynchronousProgress(r =>
        {
            if (r.Rotated == 7)
            {
                stop.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rotating.RotateAsync(progress, stop.Token));

        Assert.Equal(7, await CountUnderKeyAsync(inner, "k2"));
        await AssertAllIntactAsync(rotating);

        var resumed = await rotating.RotateAsync();

        Assert.Equal(Objects - 7, resumed.Rotated);
        Assert.Equal(7, resumed.AlreadyCurrent);
        Assert.Equal(Objects, await CountUnderKeyAsync(inner, "k2"));
        await using var newKeyOnly = await WithKeyAsync(inner, KeyB, keyId: "k2");
        await AssertAllIntactAsync(newKeyOnly);
        Assert.Equal("application/x-test", (await newKeyOnly.StatAsync("items/05")).ContentType);
    }

    [Fact]
    public async Task Rotation_skips_an_object_written_concurrently()
    {
        var inner = new MemoryEngine();
        await using var old = await WithKeyAsync(inner, KeyA, keyId: "k1");
        await old.SaveAsync("a", Content(10));
        await using var rotating = await WithKeyAsync(inner, KeyB, keyId: "k2", previousKeys: "k1=" + KeyA);

        var result = await rotating.RotateAsync();

        Assert.Equal(1, result.Rotated);
        Assert.Equal(new KeyRotationResult { Examined = 1, AlreadyCurrent = 1 }, await rotating.RotateAsync());
    }

    private static async Task<int> CountUnderKeyAsync(MemoryEngine inner, string keyId)
    {
        int count = 0;
        await foreach (var entry in inner.ListAsync())
        {
            var header = await inner.LoadBytesAsync(entry.Key);
            count += EncryptedFormat.TryReadKeyId(header, out _) == keyId ? 1 : 0;
        }

        return count;
    }

    private static async Task AssertAllIntactAsync(IStorageEngine engine)
    {
        for (int i = 0; i < Objects; i++)
        {
            Assert.Equal(Content(1000 + (i * 7000), seed: i), await engine.LoadBytesAsync($"items/{i:D2}"));
        }
    }

    private sealed class SynchronousProgress(Action<KeyRotationResult> report) : IProgress<KeyRotationResult>
    {
        public void Report(KeyRotationResult value) => report(value);
    }
}
