namespace Atomiton.Storage.Plugins.AzureBlob.Tests;

/// <summary>How many requests each operation costs (counted, not timed): the figures docs/benchmarks.md quotes.</summary>
[Collection(AzuriteCollectionDefinition.Name)]
public sealed class RequestCountTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task Save_below_the_block_size_is_one_Put_Blob_and_a_stat_and_a_load_is_one_request()
    {
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        var transport = new CountingTransport();
        await using var engine = await azurite.ConnectAsync(azurite.Options(AzuriteFixture.NewContainer(), blockSize: 8 * 1024 * 1024), transport);
        transport.Clear();

        await engine.SaveAsync("one-mib.bin", new NonSeekableStream(new byte[1024 * 1024]));
        Assert.Equal(["PUT", "HEAD"], transport.Requests);

        transport.Clear();
        Assert.Equal(1024 * 1024, (await engine.LoadBytesAsync("one-mib.bin")).Length);
        Assert.Equal(["GET"], transport.Requests);
    }

    [SkippableFact]
    public async Task Save_of_16_MiB_in_8_MiB_blocks_is_two_staged_blocks_one_commit_and_a_stat()
    {
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        var transport = new CountingTransport();
        await using var engine = await azurite.ConnectAsync(azurite.Options(AzuriteFixture.NewContainer(), blockSize: 8 * 1024 * 1024), transport);
        var content = new byte[16 * 1024 * 1024];
        new Random(16).NextBytes(content);
        transport.Clear();

        var item = await engine.SaveAsync("sixteen.bin", new NonSeekableStream(content));

        Assert.Equal(["PUT block", "PUT block", "PUT blocklist", "HEAD"], transport.Requests);
        Assert.Equal(StorageContentHash.Compute(StorageHashAlgorithms.Md5, content), item.Hashes[StorageHashAlgorithms.Md5]);
        Assert.Equal(content, await engine.LoadBytesAsync("sixteen.bin"));
    }

    [SkippableFact]
    public async Task Copy_is_done_by_the_service_without_the_content_passing_through()
    {
        Skip.If(azurite.Unavailable is not null, azurite.Unavailable);
        var transport = new CountingTransport();
        await using var engine = await azurite.ConnectAsync(azurite.Options(AzuriteFixture.NewContainer()), transport);
        await engine.SaveAsync("a.bin", new byte[100_000]);
        transport.Clear();

        await engine.CopyAsync("a.bin", "b.bin");

        // Stat of the source (to pin its version), Copy Blob, stat of the destination: no GET of the content.
        Assert.Equal(["HEAD", "PUT", "HEAD"], transport.Requests);
    }
}
