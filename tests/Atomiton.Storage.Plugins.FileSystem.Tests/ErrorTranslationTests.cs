namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// Real operating-system failures, provoked without privileges or timing: paths longer than the
/// system allows, files and folders planted where the engine expects the other. Each becomes the
/// storage error the contract names, for the key at hand, and nothing is half-written.
/// </summary>
public sealed class ErrorTranslationTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("errors");

    // 512 one-letter uppercase segments: a valid 1,023-byte key whose path (each segment "%41%2f")
    // is ~3,600 characters, over PATH_MAX (4,096) under a base folder ~750 characters deep.
    private static readonly string LongKey = string.Join('/', Enumerable.Repeat("A", 512));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_key_whose_path_the_system_cannot_hold_is_InvalidKey_and_nothing_is_written(bool checkEachComponent)
    {
        string deep = Path.Combine(_folder.Path, new string('d', 250), new string('e', 250), new string('f', 250));
        await using var engine = Create(deep, checkEachComponent);

        var save = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync(LongKey, new byte[] { 1 }));

        Assert.Equal(StorageErrorCode.InvalidKey, save.Code);
        Assert.Contains("shorter baseDir", save.Message, StringComparison.Ordinal);
        Assert.Empty(await engine.ListAsync().ToListAsync());
        Assert.Equal([".owner"], Directory.GetFiles(Path.Combine(deep, "%_tmp")).Select(Path.GetExtension));
        if (checkEachComponent)
        {
            // Path-based reads meet the same limit.
            Assert.Equal(StorageErrorCode.InvalidKey, (await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync(LongKey))).Code);
            Assert.Equal(StorageErrorCode.InvalidKey, (await Assert.ThrowsAsync<StorageException>(async () => await engine.StatAsync(LongKey))).Code);
            Assert.Equal(StorageErrorCode.InvalidKey, (await Assert.ThrowsAsync<StorageException>(async () => await engine.DeleteAsync(LongKey, new DeleteOptions { IfMatch = "x" }))).Code);
        }
        else
        {
            // The kernel resolves the path relative to the base folder: short enough, and absent.
            Assert.Equal(StorageErrorCode.NotFound, (await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync(LongKey))).Code);
            Assert.False(await engine.ExistsAsync(LongKey));
        }
    }

    [Fact]
    public async Task A_folder_planted_where_an_object_file_goes_fails_the_save_naming_the_key()
    {
        await using var engine = Create(_folder.Path);
        Directory.CreateDirectory(Path.Combine(_folder.Path, KeyEncoder.FileName("doc")));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("doc", new byte[] { 1 }));

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Equal("doc", error.Key);
        Assert.Contains("Cannot save key 'doc': a folder 'doc' inside baseDir occupies the place of its object file", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_folder.Path, error.Message, StringComparison.Ordinal);
        Assert.False(await engine.DeleteAsync("doc"));
    }

    [Fact]
    public async Task A_file_planted_where_a_folder_goes_fails_saves_below_it_and_reads_find_nothing()
    {
        await using var engine = Create(_folder.Path);
        File.WriteAllText(Path.Combine(_folder.Path, KeyEncoder.DirectoryName("dir")), "not a folder");

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("dir/x", new byte[] { 1 }));

        Assert.Equal("dir/x", error.Key);
        Assert.Contains("save", error.Message, StringComparison.Ordinal);
        Assert.Equal(StorageErrorCode.NotFound, (await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("dir/x"))).Code);
        Assert.False(await engine.ExistsAsync("dir/x"));
        Assert.Empty(await engine.ListAsync(new ListOptions { Prefix = "dir/" }).ToListAsync());
    }

    [Fact]
    public void A_base_folder_whose_temporary_area_cannot_be_created_fails_at_start_naming_baseDir()
    {
        File.WriteAllText(Path.Combine(_folder.Path, "%_tmp"), "a file where the engine needs a folder");

        var error = Assert.Throws<StorageException>(() => new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path }));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("'%_tmp' inside baseDir is not a folder", error.Message, StringComparison.Ordinal);
        Assert.Contains(_folder.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_object_is_replaced_by_a_plain_save_but_not_by_a_conditional_one()
    {
        var logger = new RecordingLogger();
        await using var engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path }, logger: logger);
        File.WriteAllText(Path.Combine(_folder.Path, "k"), "not an object file");

        var createOnly = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("k", new byte[] { 1 }, new SaveOptions { Condition = WriteCondition.IfNotExists }));
        var ifMatch = await Assert.ThrowsAsync<StorageException>(async () => await engine.DeleteAsync("k", new DeleteOptions { IfMatch = "whatever" }));
        var saved = await engine.SaveAsync("k", new byte[] { 2 });

        Assert.Equal(StorageErrorCode.Conflict, createOnly.Code);
        Assert.Equal(StorageErrorCode.Conflict, ifMatch.Code);
        Assert.Equal(new byte[] { 2 }, await engine.LoadBytesAsync("k"));
        Assert.Equal(saved, await engine.StatAsync("k"));
        Assert.Contains(logger.Warnings, warning => warning.Contains("key 'k' is corrupt; a write replaces it", StringComparison.Ordinal));
    }

    public void Dispose() => _folder.Dispose();

    private static FileSystemEngine Create(string baseDir, bool checkEachComponent = false) =>
        new(new FileSystemOptions { BaseDir = baseDir }, null, null, checkEachComponent ? PathResolution.CheckEachComponent : PathResolution.Kernel);
}
