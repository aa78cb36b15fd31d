using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// Filesystem listings beyond the kit: keys-only listings open no file, names the engine did not
/// write are ignored (and said so at Debug), links are skipped, a folder removed meanwhile ends quietly.
/// </summary>
public sealed class ListingTests : IAsyncLifetime, IDisposable
{
    private readonly TemporaryFolder _folder = new("listing");
    private readonly RecordingLogger _logger = new(StorageLogLevel.Debug);
    private FileSystemEngine? _engine;

    private FileSystemEngine Engine => _engine!;

    public Task InitializeAsync()
    {
        _engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path }, logger: _logger);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Engine.DisposeAsync();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Keys_only_lists_long_segments_like_a_full_listing()
    {
        string longFolder = new('F', 250);
        string longName = string.Concat(Enumerable.Repeat("é", 127));
        string[] keys = [$"{longFolder}/{longName}", $"{longFolder}/x", longName, $"{longName}z", "plain"];
        foreach (var key in keys)
        {
            await Engine.SaveAsync(key, "x"u8.ToArray());
        }

        foreach (bool recursive in new[] { true, false })
        {
            var full = await Engine.ListAsync(new ListOptions { Recursive = recursive }).ToListAsync();
            var keysOnly = await Engine.ListAsync(new ListOptions { Recursive = recursive, KeysOnly = true }).ToListAsync();
            Assert.Equal(full.Select(e => e.Key), keysOnly.Select(e => e.Key));
            Assert.All(keysOnly, entry => Assert.Null(entry.Item));
        }

        Assert.Equal(keys.Order(StringComparer.Ordinal), (await Engine.ListAsync(new ListOptions { KeysOnly = true }).ToListAsync()).Select(e => e.Key));
    }

    [Fact]
    public async Task Keys_only_opens_no_file_so_it_lists_a_corrupt_one_that_a_full_listing_skips()
    {
        await Engine.SaveAsync("good", "x"u8.ToArray());
        File.WriteAllText(Path.Combine(_folder.Path, "corrupt"), "not an object file");

        var keysOnly = await Engine.ListAsync(new ListOptions { KeysOnly = true }).ToListAsync();
        var full = await Engine.ListAsync().ToListAsync();

        Assert.Equal(["corrupt", "good"], keysOnly.Select(e => e.Key));
        Assert.Equal(["good"], full.Select(e => e.Key));
        Assert.Equal(StorageErrorCode.Integrity, (await Assert.ThrowsAsync<StorageException>(async () => await Engine.LoadBytesAsync("corrupt"))).Code);
    }

    [Fact]
    public async Task Names_the_engine_did_not_write_are_ignored_and_reported_at_Debug()
    {
        await Engine.SaveAsync("real", "x"u8.ToArray());
        await Engine.SaveAsync("dir/inside", "x"u8.ToArray());
        string[] foreignFiles = ["README.TXT", "%61", "cut%4", "x%~0123456789abcdef"];
        foreach (var name in foreignFiles)
        {
            File.WriteAllText(Path.Combine(_folder.Path, name), "foreign");
        }

        Directory.CreateDirectory(Path.Combine(_folder.Path, "plain-folder"));
        Directory.CreateDirectory(Path.Combine(_folder.Path, "y%~0123456789abcdef%2f"));
        Directory.CreateDirectory(Path.Combine(_folder.Path, "BAD%2f"));

        foreach (bool keysOnly in new[] { false, true })
        {
            Assert.Equal(["dir/inside", "real"], (await Engine.ListAsync(new ListOptions { KeysOnly = keysOnly }).ToListAsync()).Select(e => e.Key));
            Assert.Equal(["dir/", "real"], (await Engine.ListAsync(new ListOptions { Recursive = false, KeysOnly = keysOnly }).ToListAsync()).Select(e => e.Key));
        }

        foreach (var name in foreignFiles.Concat(["plain-folder", "y%~0123456789abcdef%2f", "BAD%2f"]))
        {
            Assert.Contains(_logger.Messages, message => message.Level == StorageLogLevel.Debug && message.Message.Contains(Path.Combine(_folder.Path, name), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Links_planted_in_a_subfolder_are_skipped_by_every_kind_of_listing()
    {
        string outside = Path.Combine(_folder.Path, "..", Path.GetFileName(_folder.Path) + "-outside");
        Directory.CreateDirectory(outside);
        try
        {
            File.WriteAllText(Path.Combine(outside, "secret"), "secret");
            await Engine.SaveAsync("dir/real", "x"u8.ToArray());
            string dir = Path.Combine(_folder.Path, KeyEncoder.DirectoryName("dir"));
            File.CreateSymbolicLink(Path.Combine(dir, "secret"), Path.Combine(outside, "secret"));
            Directory.CreateSymbolicLink(Path.Combine(dir, KeyEncoder.DirectoryName("out")), outside);

            foreach (bool keysOnly in new[] { false, true })
            {
                Assert.Equal(["dir/real"], (await Engine.ListAsync(new ListOptions { KeysOnly = keysOnly }).ToListAsync()).Select(e => e.Key));
                Assert.Equal(["dir/real"], (await Engine.ListAsync(new ListOptions { Prefix = "dir/", Recursive = false, KeysOnly = keysOnly }).ToListAsync()).Select(e => e.Key));
            }
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_folder_removed_while_a_listing_runs_ends_quietly(bool keysOnly)
    {
        await Engine.SaveAsync("a/1", "x"u8.ToArray());
        await Engine.SaveAsync("b/2", "x"u8.ToArray());
        await Engine.SaveAsync("c/3", "x"u8.ToArray());

        var listed = new List<string>();
        await foreach (var entry in Engine.ListAsync(new ListOptions { KeysOnly = keysOnly }))
        {
            listed.Add(entry.Key);
            if (entry.Key == "a/1")
            {
                await Engine.DeleteAsync("b/2"); // its folder goes too, after the root was read
            }
        }

        Assert.Equal(["a/1", "c/3"], listed);
    }

    [Fact]
    public async Task A_cancelled_listing_stops()
    {
        await Engine.SaveAsync("a", "x"u8.ToArray());
        await Engine.SaveAsync("b", "x"u8.ToArray());
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var entry in Engine.ListAsync(new ListOptions { KeysOnly = true }, cancellation.Token))
            {
                await cancellation.CancelAsync();
            }
        });
    }

    [Fact]
    public void A_memory_budget_of_nothing_is_refused()
    {
        using var opener = new ObjectFileOpener(new ObjectPaths(_folder.Path, null!), PathResolution.Kernel);

        Assert.Throws<ArgumentOutOfRangeException>(() => new FolderReader(_folder.Path, ".", opener, "", null, 0, NullStorageLogger.Instance));
    }
}
