using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Plugins.Dropbox.Tests;

/// <summary>The conformance kit through the plugin against the emulator, native names (case-insensitive, Dropbox's rules declared), root-prefix mode.</summary>
public sealed class DropboxNativeConformanceTests(DropboxServerFixture fixture) : DropboxConformanceTestsBase(fixture)
{
    protected override DropboxNameMode NameMode => DropboxNameMode.Native;
}

/// <summary>The conformance kit with encoded names (every key round-trips, case-sensitive), root-prefix mode.</summary>
public sealed class DropboxEncodedConformanceTests(DropboxServerFixture fixture) : DropboxConformanceTestsBase(fixture)
{
    protected override DropboxNameMode NameMode => DropboxNameMode.Encoded;
}

/// <summary>One emulator per test class; each case works under a fresh prefix of it (the kit's root-prefix mode), as it would in a real account.</summary>
public sealed class DropboxServerFixture : IAsyncLifetime
{
    public DropboxTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await DropboxTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public abstract class DropboxConformanceTestsBase(DropboxServerFixture fixture) : StorageConformanceTests, IClassFixture<DropboxServerFixture>
{
    protected abstract DropboxNameMode NameMode { get; }

    protected override bool UsesFreshPrefixPerCase => true;

    // The plugin's chunk size in these tests: small, so the stream cases cross upload-session chunks.
    protected override int ChunkSize => 256 * 1024;

    protected override long LargeObjectSize => 16L * 1024 * 1024;

    // Every key is one upload; keep the constant-memory listing case to a bounded run time.
    protected override int ManyKeysCount => 1_500;

    protected override int ModelCheckRuns => 25;

    // Dropbox keeps no creation time: Created is the current revision's time.
    protected override bool KeepsCreatedAcrossOverwrites => false;

    // ReopenEngineAsync is not overridden: in root-prefix mode the kit would read the reopened engine's
    // keys without the case prefix (the restart case is left skipped; FaultTests cover cursors).

    protected override async ValueTask<IStorageEngine> CreateEngineAsync() =>
        await fixture.Server.ConnectAsync(fixture.Server.Options(NameMode, root: "/kit-" + NameMode.ToString().ToLowerInvariant()));
}
