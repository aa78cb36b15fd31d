using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// The conformance kit against the path that other systems and Linux before 5.6 take: every path
/// component checked with lstat, folders read with .NET's enumeration. A smaller many-keys case keeps it quick.
/// </summary>
public sealed class ComponentCheckConformanceTests : StorageConformanceTests, IDisposable
{
    private int _engines;
    private readonly TemporaryFolder _folder = new("kit-lstat");

    protected override int ManyKeysCount => 10_000;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        ValueTask.FromResult<IStorageEngine>(new FileSystemEngine(new FileSystemOptions { BaseDir = NextFolder() }, null, null, PathResolution.CheckEachComponent));

    public void Dispose() => _folder.Dispose();

    // The model check asks for several fresh engines in one case: each gets its own empty folder.
    private string NextFolder() => Path.Combine(_folder.Path, (++_engines).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
