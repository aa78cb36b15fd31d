using Atomiton.Storage.Cached;
using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Plugins.FileSystem;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Pipelines;

/// <summary>The conformance kit over a stack of wrappers on a fresh filesystem folder per engine.</summary>
public abstract class FileSystemWrapperConformanceTests : StorageConformanceTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "atomiton-wrappers-" + Guid.NewGuid().ToString("N"));
    private int _engines;

    // Every key is a file: keep the scale case to a size a shared CI machine writes quickly.
    protected override int ManyKeysCount => 2_000;

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    protected static StorageProviderContext Stage(string name, IStorageEngine inner) => new() { PipelineName = "p", StageName = name, Inner = inner };

    protected async ValueTask<IStorageEngine> FileSystemAsync() =>
        await new FileSystemProvider().CreateAsync(new FileSystemOptions { BaseDir = Path.Combine(_root, (++_engines).ToString(System.Globalization.CultureInfo.InvariantCulture)) }, new StorageProviderContext { PipelineName = "p", StageName = "disk" });
}

/// <summary>encrypted → filesystem.</summary>
public sealed class EncryptedFileSystemConformanceTests : FileSystemWrapperConformanceTests
{
    protected override async ValueTask<IStorageEngine> CreateEngineAsync() =>
        await new EncryptedProvider().CreateAsync(new EncryptedOptions { Key = Encrypted.EncryptedTestEngines.KeyA }, Stage("crypt", await FileSystemAsync()));
}

/// <summary>cached → encrypted → filesystem.</summary>
public sealed class CachedEncryptedFileSystemConformanceTests : FileSystemWrapperConformanceTests
{
    protected override async ValueTask<IStorageEngine> CreateEngineAsync()
    {
        var encrypted = await new EncryptedProvider().CreateAsync(new EncryptedOptions { Key = Encrypted.EncryptedTestEngines.KeyA }, Stage("crypt", await FileSystemAsync()));
        return await new CachedProvider().CreateAsync(new CachedOptions(), Stage("cache", encrypted));
    }
}
