#if AZURITE
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Plugins.AzureBlob.Tests;

/// <summary>
/// The whole conformance kit through the <c>azureblob</c> plugin against Azurite on loopback: every case
/// gets a fresh, empty container of the one Azurite of the run (created by the plugin's
/// <c>createContainer</c> option), with 256 KiB blocks so the stream cases cross block uploads.
/// Compiled only where <c>azurite-blob</c> is installed (see the project file); otherwise
/// <see cref="AzuriteAvailabilityTests"/> reports the skip.
/// </summary>
[Collection(AzuriteCollectionDefinition.Name)]
public sealed class AzureBlobConformanceTests(AzuriteFixture azurite) : StorageConformanceTests
{
    protected override int ChunkSize => 256 * 1024;

    // Each block is one request to a Node.js emulator on a shared 2-core machine; 16 MiB is 64 blocks.
    protected override long LargeObjectSize => 16L * 1024 * 1024;

    // Every key is one request to a Node.js emulator on a shared 2-core box: keep the listing case short.
    protected override int ManyKeysCount => 1_000;

    protected override int ModelCheckRuns => 20;

    // Created is the service's creation time, which Azurite resets on every overwrite and copy (measured:
    // Put Blob, Put Block List and Copy Blob each set it anew); the API offers no way to keep or set it.
    protected override bool KeepsCreatedAcrossOverwrites => false;

    protected override async ValueTask<IStorageEngine> CreateEngineAsync()
    {
        Assert.True(azurite.Unavailable is null, azurite.Unavailable);
        return await azurite.ConnectAsync(azurite.Options(AzuriteFixture.NewContainer("kit")));
    }
}
#endif
