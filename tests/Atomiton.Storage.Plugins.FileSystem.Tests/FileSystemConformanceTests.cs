using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>The whole conformance kit against the filesystem engine (non-durable), one fresh folder per case.</summary>
public sealed class FileSystemConformanceTests : StorageConformanceTests, IDisposable
{
    private int _engines;
    private readonly TemporaryFolder _folder = new("kit");

    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        ValueTask.FromResult<IStorageEngine>(new FileSystemEngine(new FileSystemOptions { BaseDir = NextFolder() }));

    public void Dispose() => _folder.Dispose();

    // The model check asks for several fresh engines in one case: each gets its own empty folder.
    private string NextFolder() => Path.Combine(_folder.Path, (++_engines).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
