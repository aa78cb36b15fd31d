using Atomiton.Storage.Emulators.OneDrive;
using Atomiton.Storage.Plugins.OneDrive;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.OneDrive.Tests;

/// <summary>The conformance kit through the <c>onedrive</c> plugin with native names: forbidden names are refused, case folds.</summary>
public sealed class OneDriveNativeConformanceTests : OneDriveConformanceTestsBase
{
    protected override OneDriveNameMode NameMode => OneDriveNameMode.Native;
}

/// <summary>The conformance kit through the <c>onedrive</c> plugin with encoded names: every valid key round-trips.</summary>
public sealed class OneDriveEncodedConformanceTests : OneDriveConformanceTestsBase
{
    protected override OneDriveNameMode NameMode => OneDriveNameMode.Encoded;
}

/// <summary>
/// The kit in root-prefix mode, as against one real OneDrive: every case runs under a fresh prefix of one
/// emulated drive's app folder, through the Graph SDK over loopback HTTP.
/// </summary>
public abstract class OneDriveConformanceTestsBase : StorageConformanceTests
{
    private static readonly SemaphoreSlim Starting = new(1, 1);
    private static readonly Dictionary<OneDriveNameMode, GraphDriveServer> Servers = [];

    protected abstract OneDriveNameMode NameMode { get; }

    protected override bool UsesFreshPrefixPerCase => true;

    protected override int ChunkSize => OneDriveOptions.FragmentUnit;

    // The emulator keeps content in this process.
    protected override bool HoldsContentInMemory => true;

    protected override long LargeObjectSize => 8L * 1024 * 1024;

    protected override int ManyKeysCount => 1_000;

    protected override int ModelCheckRuns => 25;

    // A copy or move onto an existing key makes a new driveItem (OneDrive replaces the item), so Created is new.
    protected override bool KeepsCreatedAcrossOverwrites => false;

    protected override async ValueTask<IStorageEngine> CreateEngineAsync() =>
        await OneDriveEmulatorFixture.ConnectAsync(await ServerAsync(), OneDriveEmulatorFixture.Options(await ServerAsync(), NameMode));

    protected override async ValueTask<bool> ExpireChangeFeedAsync()
    {
        (await ServerAsync()).ExpireDeltaTokens();
        return true;
    }

    private async Task<GraphDriveServer> ServerAsync()
    {
        await Starting.WaitAsync();
        try
        {
            if (!Servers.TryGetValue(NameMode, out var server))
            {
                server = await OneDriveEmulatorFixture.StartAsync();
                Servers[NameMode] = server;
            }

            return server;
        }
        finally
        {
            Starting.Release();
        }
    }
}
