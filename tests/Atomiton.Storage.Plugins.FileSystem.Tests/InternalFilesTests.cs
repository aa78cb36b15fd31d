using System.Diagnostics;
using System.Globalization;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// The engine's own files and folders inside baseDir (<c>%_tmp</c>, <c>%_locks</c>, <c>%_segment</c>)
/// replaced by links, files of the wrong kind or FIFOs: refused with a clear error naming the path
/// relative to baseDir, never followed, never deleted through, never waited on, and nothing outside
/// the base folder changes. Runs twice: with the kernel resolving object paths (openat2) and with
/// every path component checked.
/// </summary>
public abstract class InternalFilesTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(2);

    private readonly TemporaryFolder _sandbox = new("internal");
    private readonly string _base;
    private readonly string _victim;

    protected InternalFilesTests()
    {
        _base = Path.Combine(_sandbox.Path, "base");
        _victim = Path.Combine(_sandbox.Path, "victim");
        Directory.CreateDirectory(_base);
        Directory.CreateDirectory(Path.Combine(_victim, "sub"));
        File.WriteAllText(Path.Combine(_victim, "sub", "f"), "x");
        File.WriteAllText(Path.Combine(_victim, "secret"), "outside\nsecret");
    }

    /// <summary>True to make the engine check each path component with lstat instead of letting the kernel refuse links.</summary>
    protected abstract bool CheckEachComponent { get; }

    [Fact]
    public async Task Tmp_linked_to_a_folder_outside_refuses_the_start_and_deletes_nothing_there()
    {
        Directory.CreateSymbolicLink(Path.Combine(_base, "%_tmp"), _victim);
        var before = Outside();

        var error = await Assert.ThrowsAsync<StorageException>(() => Guarded(() => Open()));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("'%_tmp' inside baseDir is a symbolic link", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Outside());
        Assert.Equal(_victim, new DirectoryInfo(Path.Combine(_base, "%_tmp")).LinkTarget);
    }

    [Fact]
    public async Task Dangling_tmp_link_is_reported_as_a_link_not_as_an_unwritable_folder()
    {
        File.CreateSymbolicLink(Path.Combine(_base, "%_tmp"), Path.Combine(_victim, "missing"));
        var before = Outside();

        var error = await Assert.ThrowsAsync<StorageException>(() => Guarded(() => Open()));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("'%_tmp' inside baseDir is a symbolic link", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Outside());
    }

    [Fact]
    public async Task File_in_place_of_tmp_refuses_the_start_and_survives()
    {
        File.WriteAllText(Path.Combine(_base, "%_tmp"), "not a folder");

        var error = await Assert.ThrowsAsync<StorageException>(() => Guarded(() => Open()));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("'%_tmp' inside baseDir is not a folder", error.Message, StringComparison.Ordinal);
        Assert.Equal("not a folder", File.ReadAllText(Path.Combine(_base, "%_tmp")));
    }

    [Fact]
    public async Task Links_among_the_temporaries_of_dead_owners_are_removed_as_links_never_through()
    {
        string area = Path.Combine(_base, "%_tmp");
        Directory.CreateDirectory(area);
        Directory.CreateSymbolicLink(Path.Combine(area, "0123456789abcdef.1"), _victim);
        File.CreateSymbolicLink(Path.Combine(area, "0123456789abcdef.2"), Path.Combine(_victim, "sub", "f"));
        File.CreateSymbolicLink(Path.Combine(area, "00000000deadbeef.owner"), Path.Combine(_victim, "secret"));
        Directory.CreateSymbolicLink(Path.Combine(area, "00000000deadbeef.1"), Path.Combine(_victim, "sub"));
        Directory.CreateDirectory(Path.Combine(area, "1111111111111111.3"));
        Directory.CreateSymbolicLink(Path.Combine(area, "1111111111111111.3", "inner"), _victim);
        var before = Outside();

        await using (var engine = await Guarded(() => Open()))
        {
            await Guarded(() => engine.SaveAsync("k", "v"u8.ToArray()).AsTask());
        }

        Assert.Equal(before, Outside());
        Assert.False(Path.Exists(Path.Combine(area, "0123456789abcdef.1")));
        Assert.False(Path.Exists(Path.Combine(area, "1111111111111111.3")));
    }

    [Fact]
    public async Task Locks_linked_to_a_folder_outside_refuses_the_start_and_no_lock_file_lands_there()
    {
        Directory.CreateSymbolicLink(Path.Combine(_base, "%_locks"), _victim);
        var before = Outside();

        var error = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            await using var engine = await Guarded(() => Open());
            await Guarded(() => engine.SaveAsync("k", "v"u8.ToArray()).AsTask());
        });

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("'%_locks' inside baseDir is a symbolic link", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Outside());
    }

    [Fact]
    public async Task Lock_file_replaced_by_a_link_is_refused_and_nothing_is_created_through_it()
    {
        await using var engine = await Guarded(() => Open());
        string lockName = KeyLocks.Stripe("k").ToString("x2", CultureInfo.InvariantCulture) + ".lock";
        string lockFile = Path.Combine(_base, "%_locks", lockName);
        File.Delete(lockFile);
        File.CreateSymbolicLink(lockFile, Path.Combine(_victim, "planted.lock"));
        var before = Outside();

        var error = await Assert.ThrowsAsync<StorageException>(() => Guarded(() => engine.SaveAsync("k", "v"u8.ToArray()).AsTask()));

        Assert.Equal(StorageErrorCode.AccessDenied, error.Code);
        Assert.Contains($"'%_locks/{lockName}' inside baseDir is a symbolic link", error.Message, StringComparison.Ordinal);
        AssertNoAbsolutePath(error);
        Assert.Equal(before, Outside());
        await Assert.ThrowsAsync<StorageException>(() => Guarded(() => engine.LoadBytesAsync("k").AsTask()));
    }

    [Fact]
    public async Task Segment_file_linked_outside_is_never_read_into_a_listed_key()
    {
        await using var engine = await Guarded(() => Open());
        string longSegment = new('A', 100);
        await engine.SaveAsync(longSegment + "/k", "v"u8.ToArray());
        await engine.SaveAsync("plain", "v"u8.ToArray());
        string segmentFile = Path.Combine(LongFolder(), "%_segment");
        File.Delete(segmentFile);
        File.CreateSymbolicLink(segmentFile, Path.Combine(_victim, "secret"));
        var before = Outside();

        var keys = await Guarded(() => ListKeysAsync(engine, keysOnly: true));
        var full = await Guarded(() => ListKeysAsync(engine, keysOnly: false));
        var shallow = await Guarded(() => ListKeysAsync(engine, keysOnly: true, recursive: false));

        Assert.Equal(["plain"], keys);
        Assert.Equal(["plain"], full);
        Assert.Equal(["plain"], shallow);
        Assert.Equal(before, Outside());
    }

    [Theory]
    [InlineData("evil\u001b[31m")]
    [InlineData("line\nbreak")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("another segment")]
    public async Task Segment_file_holding_anything_but_the_folders_own_segment_is_not_listed(string text)
    {
        await using var engine = await Guarded(() => Open());
        await engine.SaveAsync(new string('A', 100) + "/k", "v"u8.ToArray());
        File.WriteAllText(Path.Combine(LongFolder(), "%_segment"), text);

        var keys = await Guarded(() => ListKeysAsync(engine, keysOnly: true));

        Assert.Empty(keys);
    }

    [Fact]
    public async Task Segment_file_that_is_a_folder_is_not_listed()
    {
        await using var engine = await Guarded(() => Open());
        await engine.SaveAsync(new string('A', 100) + "/k", "v"u8.ToArray());
        string segmentFile = Path.Combine(LongFolder(), "%_segment");
        File.Delete(segmentFile);
        Directory.CreateDirectory(segmentFile);

        Assert.Empty(await Guarded(() => ListKeysAsync(engine, keysOnly: true)));
    }

    [LinuxFact]
    public async Task Fifo_where_an_object_file_belongs_is_refused_without_hanging_and_a_save_replaces_it()
    {
        await using var engine = await Guarded(() => Open());
        await engine.SaveAsync("other", "v"u8.ToArray());
        MakeFifo(Path.Combine(_base, "fifo"));

        var load = await Assert.ThrowsAsync<StorageException>(() => Guarded(() => engine.LoadBytesAsync("fifo").AsTask()));
        var stat = await Assert.ThrowsAsync<StorageException>(() => Guarded(() => engine.StatAsync("fifo").AsTask()));
        var full = await Guarded(() => ListKeysAsync(engine, keysOnly: false));
        var create = await Assert.ThrowsAsync<StorageException>(() => Guarded(() =>
            engine.SaveAsync("fifo", "new"u8.ToArray(), new SaveOptions { Condition = WriteCondition.IfNotExists }).AsTask()));

        Assert.Equal(StorageErrorCode.Integrity, load.Code);
        Assert.Equal(StorageErrorCode.Integrity, stat.Code);
        Assert.Contains("('fifo' inside baseDir) is not a regular file", load.Message, StringComparison.Ordinal);
        AssertNoAbsolutePath(load);
        Assert.Equal(["other"], full);
        Assert.Equal(StorageErrorCode.Conflict, create.Code);
        // The key's lock was released after each refusal: a plain save takes it and replaces the FIFO.
        await Guarded(() => engine.SaveAsync("fifo", "new"u8.ToArray()).AsTask());
        Assert.Equal("new"u8.ToArray(), await Guarded(() => engine.LoadBytesAsync("fifo").AsTask()));
    }

    [LinuxFact]
    public async Task Fifos_in_place_of_internal_files_are_refused_without_hanging()
    {
        await using (var engine = await Guarded(() => Open()))
        {
            await engine.SaveAsync(new string('A', 100) + "/k", "v"u8.ToArray());
            await engine.SaveAsync(new string('B', 100), "v"u8.ToArray());
            string segmentFile = Path.Combine(LongFolder(), "%_segment");
            File.Delete(segmentFile);
            MakeFifo(segmentFile);
            string longFile = Directory.GetFiles(_base).Single(path => Path.GetFileName(path).Contains("%~", StringComparison.Ordinal));
            File.Delete(longFile);
            MakeFifo(longFile);
            string lockName = KeyLocks.Stripe("k").ToString("x2", CultureInfo.InvariantCulture) + ".lock";
            File.Delete(Path.Combine(_base, "%_locks", lockName));
            MakeFifo(Path.Combine(_base, "%_locks", lockName));

            Assert.Empty(await Guarded(() => ListKeysAsync(engine, keysOnly: true)));
            Assert.Empty(await Guarded(() => ListKeysAsync(engine, keysOnly: false)));
            var error = await Assert.ThrowsAsync<StorageException>(() => Guarded(() => engine.SaveAsync("k", "v"u8.ToArray()).AsTask()));
            Assert.Equal(StorageErrorCode.AccessDenied, error.Code);
            Assert.Contains($"'%_locks/{lockName}' inside baseDir is not a regular file", error.Message, StringComparison.Ordinal);
        }

        MakeFifo(Path.Combine(_base, "%_tmp", "00000000deadbeef.owner"));
        await using var next = await Guarded(() => Open());
        await Guarded(() => next.SaveAsync("other", "v"u8.ToArray()).AsTask());
    }

    [Fact]
    public async Task Folder_where_the_object_file_belongs_fails_a_save_clearly_and_survives()
    {
        await using var engine = await Guarded(() => Open());
        Directory.CreateDirectory(Path.Combine(_base, "occupied"));
        File.WriteAllText(Path.Combine(_base, "occupied", "inside"), "theirs");

        var error = await Assert.ThrowsAsync<StorageException>(() => Guarded(() => engine.SaveAsync("occupied", "v"u8.ToArray()).AsTask()));

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Contains("a folder 'occupied' inside baseDir occupies the place of its object file", error.Message, StringComparison.Ordinal);
        AssertNoAbsolutePath(error);
        Assert.Equal("theirs", File.ReadAllText(Path.Combine(_base, "occupied", "inside")));
        Assert.All(Directory.GetFileSystemEntries(Path.Combine(_base, "%_tmp")), path => Assert.EndsWith(".owner", path, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _sandbox.Dispose();
        GC.SuppressFinalize(this);
    }

    private FileSystemEngine Open() =>
        new(new FileSystemOptions { BaseDir = _base }, null, null, CheckEachComponent ? PathResolution.CheckEachComponent : PathResolution.Kernel);

    // Everything in the sandbox but the base folder: the victim folder and anything created beside it.
    private List<string> Outside() => SandboxSnapshot.Take(_sandbox.Path, _base);

    private string LongFolder() =>
        Directory.GetDirectories(_base).Single(path => Path.GetFileName(path).Contains("%~", StringComparison.Ordinal));

    private void AssertNoAbsolutePath(StorageException error) =>
        Assert.DoesNotContain(_sandbox.Path, error.Message, StringComparison.Ordinal);

    private static async Task<List<string>> ListKeysAsync(FileSystemEngine engine, bool keysOnly, bool recursive = true)
    {
        var keys = new List<string>();
        await foreach (var entry in engine.ListAsync(new ListOptions { KeysOnly = keysOnly, Recursive = recursive }))
        {
            keys.Add(entry.Key);
        }

        return keys;
    }

    // The call runs on the pool (a blocking open would otherwise block the test's thread before
    // WaitAsync could start), bounded by a guard of minutes, never by a sleep.
    private static Task<T> Guarded<T>(Func<T> call) => Task.Run(call).WaitAsync(Guard);

    private static Task Guarded(Func<Task> call) => Task.Run(call).WaitAsync(Guard);

    private static Task<T> Guarded<T>(Func<Task<T>> call) => Task.Run(call).WaitAsync(Guard);

    private static void MakeFifo(string path)
    {
        using var process = Process.Start("mkfifo", [path]);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
