using Atomiton.Storage.Testing;

namespace Atomiton.Storage.GoogleDrive.Tests;

/// <summary>
/// The whole conformance kit through the <c>gdrive</c> plugin against the Drive emulator, in
/// root-prefix mode: one signed-in account (as a real Drive account would be) hosts every case
/// under a fresh prefix. What the plugin does not offer (create-only and if-match writes, ordered
/// and shallow listing, waiting for changes) is skipped or checked as refused, by its declarations.
/// </summary>
public sealed class GoogleDriveConformanceTests : StorageConformanceTests
{
    private static readonly Lazy<Task<DriveTestEnvironment>> Shared = new(() => DriveTestEnvironment.StartAsync());

    protected override bool UsesFreshPrefixPerCase => true;

    // The plugin's chunk and multipart threshold in these tests: small, so the stream cases cross both.
    protected override int ChunkSize => 256 * 1024;

    protected override long LargeObjectSize => 32L * 1024 * 1024;

    // The emulator keeps content in files; only its bookkeeping is in this process.
    protected override bool HoldsContentInMemory => false;

    // Every key is two or three requests and every listing reads the whole folder: keep it bounded.
    protected override int ManyKeysCount => 1_500;

    protected override int ModelCheckRuns => 40;

    protected override async ValueTask<IStorageEngine> CreateEngineAsync()
    {
        var environment = await Shared.Value;
        return await environment.ConnectAsync();
    }
}
