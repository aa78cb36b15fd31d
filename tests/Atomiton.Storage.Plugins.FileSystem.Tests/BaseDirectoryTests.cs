namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// Opening the base folder: links in the configured path are the operator's choice and are resolved
/// once; a folder that cannot be used fails at start-up with InvalidConfiguration naming baseDir.
/// </summary>
public sealed class BaseDirectoryTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("base");

    [Fact]
    public async Task A_configured_base_folder_reached_through_links_is_resolved_once_and_then_used()
    {
        string real = Path.Combine(_folder.Path, "real");
        Directory.CreateDirectory(real);
        string link = Path.Combine(_folder.Path, "link");
        Directory.CreateSymbolicLink(link, real);
        string linkToLink = Path.Combine(_folder.Path, "link-to-link");
        Directory.CreateSymbolicLink(linkToLink, "link");

        await using var engine = new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(linkToLink, "store") });
        await engine.SaveAsync("a/b", "x"u8.ToArray());

        Assert.Equal(Path.Combine(real, "store"), engine.BaseDirectory);
        Assert.True(File.Exists(Path.Combine(real, "store", KeyEncoder.DirectoryName("a"), "b")));
        Assert.Equal("x"u8.ToArray(), await engine.LoadBytesAsync("a/b"));
        Assert.Equal(engine.BaseDirectory, (await engine.GetInfoAsync()).Details!["baseDir"]);
    }

    [Fact]
    public void A_cycle_of_links_fails_at_start_naming_baseDir()
    {
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "ping"), "pong");
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "pong"), "ping");

        var error = Assert.Throws<StorageException>(() => new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(_folder.Path, "ping") }));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("baseDir", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_base_folder_fails_at_start(string baseDir)
    {
        var error = Assert.Throws<StorageException>(() => new FileSystemEngine(new FileSystemOptions { BaseDir = baseDir }));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("baseDir is required", error.Message, StringComparison.Ordinal);
        Assert.Equal("filesystem", error.Provider);
    }

    [Fact]
    public void A_base_folder_the_system_cannot_name_fails_at_start()
    {
        var error = Assert.Throws<StorageException>(() => new FileSystemEngine(new FileSystemOptions { BaseDir = Path.Combine(_folder.Path, "nul\0byte") }));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("cannot be used", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
