namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// Keys that try to reach outside baseDir: refused with InvalidKey by the grammar, or with
/// AccessDenied when a link planted inside baseDir points outside, and nothing is ever written outside.
/// Runs twice: with the kernel refusing links (openat2 on Linux) and with the lstat check of every
/// path component that other systems and older kernels use.
/// </summary>
public abstract class HostileKeyTests : IAsyncLifetime, IDisposable
{
    private readonly TemporaryFolder _root = new("hostile");
    private string _base = "";
    private string _outside = "";
    private FileSystemEngine? _engine;

    protected FileSystemEngine Engine => _engine!;

    /// <summary>True to make the engine check each path component with lstat instead of letting the kernel refuse links.</summary>
    protected abstract bool CheckEachComponent { get; }

    public static TheoryData<string> InvalidKeys() =>
    [
        "../x", "a/../../x", "..", ".", "./x", "a/./b", "a/..", "../../../../../../etc/passwd",
        "/etc/passwd", "/x", "/", "\\x", "..\\x", "a\\..\\..\\x", "C:\\Windows\\win.ini", "\\\\server\\share\\x",
        "x\0y", "\0", "a/\0/b", "a//b", "", "a/", "x\n", "x\ry", "\u001b[31mred", "del\u007f", "next\u0085line", "tab\there",
        new string('s', 256), string.Join('/', Enumerable.Repeat(new string('k', 200), 6)), "~/../x", "a/b/../../..",
    ];

    public static TheoryData<string> LiteralButHarmlessKeys() =>
    [
        "%2e%2e/x", "%2e%2e%2fx", "..%2f..%2fx", "...", ".../x", "..../x", " ../x", ".. ", "C:x", "c:/windows/win.ini",
        "CON", "con.txt", "nul", "aux.tar.gz", "COM1", "lpt9.log", "~root", "$HOME/x", "%00", "etc%2fpasswd",
        "%_tmp", "%_locks/00.lock", "x%2f/y", "trailing. ", "question?/star*", "a:b|c<d>\"e\"",
    ];

    public Task InitializeAsync()
    {
        _base = Path.Combine(_root.Path, "base");
        _outside = Path.Combine(_root.Path, "outside");
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "secret");
        _engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _base }, null, null,
            CheckEachComponent ? PathResolution.CheckEachComponent : PathResolution.Kernel);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _root.Dispose();
        GC.SuppressFinalize(this);
    }

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public async Task Invalid_key_is_refused_by_every_operation_and_writes_nothing(string key)
    {
        await AssertCode(StorageErrorCode.InvalidKey, () => Engine.SaveAsync(key, new byte[] { 1 }).AsTask());
        await AssertCode(StorageErrorCode.InvalidKey, () => Engine.LoadBytesAsync(key).AsTask());
        await AssertCode(StorageErrorCode.InvalidKey, () => Engine.StatAsync(key).AsTask());
        await AssertCode(StorageErrorCode.InvalidKey, () => Engine.ExistsAsync(key).AsTask());
        await AssertCode(StorageErrorCode.InvalidKey, () => Engine.DeleteAsync(key).AsTask());
        await AssertCode(StorageErrorCode.InvalidKey, () => Engine.CopyAsync("anything", key).AsTask());

        AssertNothingOutsideChanged();
        Assert.DoesNotContain(Directory.EnumerateFiles(_base, "*", SearchOption.AllDirectories), IsObjectFile);
    }

    [Fact]
    public async Task Key_with_an_unpaired_surrogate_is_refused()
    {
        // Not theory data: xunit would replace the lone surrogate when serialising the case.
        await AssertCode(StorageErrorCode.InvalidKey, () => Engine.SaveAsync("bad\ud800/x", new byte[] { 1 }).AsTask());
        await AssertCode(StorageErrorCode.InvalidKey, () => Engine.LoadBytesAsync("\udc00").AsTask());
        AssertNothingOutsideChanged();
    }

    [Theory]
    [MemberData(nameof(LiteralButHarmlessKeys))]
    public async Task Key_that_only_looks_dangerous_is_stored_literally_inside_baseDir(string key)
    {
        await Engine.SaveAsync(key, "literal"u8.ToArray());

        Assert.Equal("literal"u8.ToArray(), await Engine.LoadBytesAsync(key));
        var listed = new List<string>();
        await foreach (var entry in Engine.ListAsync())
        {
            listed.Add(entry.Key);
        }

        Assert.Equal([key], listed);
        var files = Directory.EnumerateFiles(_base, "*", SearchOption.AllDirectories).Where(IsObjectFile).ToList();
        var file = Assert.Single(files);
        Assert.StartsWith(_base + Path.DirectorySeparatorChar, Path.GetFullPath(file), StringComparison.Ordinal);
        AssertNothingOutsideChanged();
    }

    [Fact]
    public async Task Folder_link_to_etc_planted_inside_baseDir_is_refused()
    {
        Plant(KeyEncoder.DirectoryName("etc"), "/etc");

        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.LoadBytesAsync("etc/passwd").AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.StatAsync("etc/hostname").AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.ExistsAsync("etc/passwd").AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.SaveAsync("etc/atomiton-was-here", new byte[] { 1 }).AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.DeleteAsync("etc/atomiton-was-here").AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, async () => await Engine.ListAsync(new ListOptions { Prefix = "etc/" }).ToListAsync());

        Assert.False(File.Exists("/etc/atomiton-was-here"));
        Assert.False(File.Exists("/etc/" + KeyEncoder.FileName("atomiton-was-here")));
    }

    [Fact]
    public async Task Folder_link_to_a_folder_outside_is_refused_for_writes_reads_and_deletes()
    {
        Plant(KeyEncoder.DirectoryName("out"), _outside);
        File.WriteAllText(Path.Combine(_outside, KeyEncoder.FileName("victim")), "victim");

        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.SaveAsync("out/new", new byte[] { 1 }).AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.SaveAsync("out/deeper/new", new byte[] { 1 }).AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.LoadBytesAsync("out/secret.txt").AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.DeleteAsync("out/victim").AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.CopyAsync("out/victim", "stolen").AsTask());

        Assert.Equal("victim", File.ReadAllText(Path.Combine(_outside, "victim")));
        Assert.Equal(["secret.txt", "victim"], Directory.GetFileSystemEntries(_outside).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task File_link_to_a_file_outside_is_refused_and_the_target_survives()
    {
        Plant(KeyEncoder.FileName("secret"), Path.Combine(_outside, "secret.txt"));
        Plant(KeyEncoder.FileName("passwd"), "/etc/passwd");

        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.LoadBytesAsync("secret").AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.LoadBytesAsync("passwd").AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.StatAsync("passwd").AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.SaveAsync("secret", new byte[] { 1 }).AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.DeleteAsync("secret").AsTask());

        Assert.Equal("secret", File.ReadAllText(Path.Combine(_outside, "secret.txt")));
    }

    [Fact]
    public async Task Links_inside_baseDir_are_never_followed_by_a_listing()
    {
        Plant(KeyEncoder.DirectoryName("etc"), "/etc");
        Plant(KeyEncoder.FileName("secret"), Path.Combine(_outside, "secret.txt"));
        await Engine.SaveAsync("real", new byte[] { 1 });

        var keys = new List<string>();
        await foreach (var entry in Engine.ListAsync())
        {
            keys.Add(entry.Key);
        }

        Assert.Equal(["real"], keys);
    }

    [Fact]
    public async Task Link_deeper_in_the_tree_is_refused()
    {
        await Engine.SaveAsync("dir/inner/x", new byte[] { 1 });
        string dir = Path.Combine(_base, KeyEncoder.DirectoryName("dir"));
        Directory.CreateSymbolicLink(Path.Combine(dir, KeyEncoder.DirectoryName("link")), _outside);

        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.SaveAsync("dir/link/x", new byte[] { 1 }).AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.LoadBytesAsync("dir/link/secret.txt").AsTask());
        AssertNothingOutsideChanged();
    }

    [Fact]
    public async Task Refusal_names_the_planted_link()
    {
        Plant(KeyEncoder.FileName("secret"), Path.Combine(_outside, "secret.txt"));
        await Engine.SaveAsync("dir/x", new byte[] { 1 });
        string dir = Path.Combine(_base, KeyEncoder.DirectoryName("dir"));
        Directory.CreateSymbolicLink(Path.Combine(dir, KeyEncoder.DirectoryName("link")), _outside);

        var file = await Assert.ThrowsAsync<StorageException>(async () => await Engine.LoadBytesAsync("secret"));
        var folder = await Assert.ThrowsAsync<StorageException>(async () => await Engine.StatAsync("dir/link/secret.txt"));

        Assert.Contains(Path.Combine(_base, KeyEncoder.FileName("secret")), file.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(dir, KeyEncoder.DirectoryName("link")), folder.Message, StringComparison.Ordinal);
        Assert.Equal("dir/link/secret.txt", folder.Key);
    }

    [Fact]
    public async Task Link_pointing_inside_baseDir_or_nowhere_is_refused_too()
    {
        await Engine.SaveAsync("real/x", "real"u8.ToArray());
        Plant(KeyEncoder.DirectoryName("alias"), Path.Combine(_base, KeyEncoder.DirectoryName("real")));
        Plant(KeyEncoder.FileName("dangling"), Path.Combine(_outside, "missing"));

        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.LoadBytesAsync("alias/x").AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.ExistsAsync("alias/x").AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.LoadBytesAsync("dangling").AsTask());
        await AssertCode(StorageErrorCode.AccessDenied, () => Engine.StatAsync("dangling").AsTask());
        Assert.Equal("real"u8.ToArray(), await Engine.LoadBytesAsync("real/x"));
        Assert.False(File.Exists(Path.Combine(_outside, "missing")));
    }

    [Fact]
    public async Task Folder_named_like_an_object_file_is_no_object()
    {
        Directory.CreateDirectory(Path.Combine(_base, KeyEncoder.FileName("folder")));
        File.WriteAllText(Path.Combine(_base, KeyEncoder.FileName("folder"), "inside"), "foreign");

        await AssertCode(StorageErrorCode.NotFound, () => Engine.LoadBytesAsync("folder").AsTask());
        await AssertCode(StorageErrorCode.NotFound, () => Engine.StatAsync("folder").AsTask());
        Assert.False(await Engine.ExistsAsync("folder"));
        await Engine.SaveAsync("other", new byte[] { 1 });
        Assert.Equal(["other"], (await Engine.ListAsync().ToListAsync()).Select(entry => entry.Key));
    }

    private void Plant(string name, string target)
    {
        string link = Path.Combine(_base, name);
        if (Directory.Exists(target))
        {
            Directory.CreateSymbolicLink(link, target);
        }
        else
        {
            File.CreateSymbolicLink(link, target);
        }
    }

    private void AssertNothingOutsideChanged()
    {
        Assert.Equal(["secret.txt"], Directory.GetFileSystemEntries(_outside).Select(Path.GetFileName));
        Assert.Equal("secret", File.ReadAllText(Path.Combine(_outside, "secret.txt")));
        Assert.Equal([_base], Directory.GetFileSystemEntries(_root.Path).Where(path => path != _outside));
    }

    private static bool IsObjectFile(string path) => !path.Contains(KeyEncoder.InternalPrefix, StringComparison.Ordinal);

    private static async Task AssertCode(StorageErrorCode code, Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<StorageException>(action);
        Assert.True(error.Code == code, $"Expected {code} but got {error.Code}: {error.Message}");
    }
}
