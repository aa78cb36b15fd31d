using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>The conformance kit against the durable (fsync) configuration, with the scale cases made smaller to keep fsyncs affordable.</summary>
public sealed class DurableConformanceTests : StorageConformanceTests, IDisposable
{
    private int _engines;
    private readonly TemporaryFolder _folder = new("kit-durable");

    protected override int ManyKeysCount => 1_000;

    protected override long LargeObjectSize => 16L * 1024 * 1024;

    protected override int ModelCheckRuns => 25;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        ValueTask.FromResult<IStorageEngine>(new FileSystemEngine(new FileSystemOptions { BaseDir = NextFolder(), Durable = true }));

    public void Dispose() => _folder.Dispose();

    // The model check asks for several fresh engines in one case: each gets its own empty folder.
    private string NextFolder() => Path.Combine(_folder.Path, (++_engines).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
