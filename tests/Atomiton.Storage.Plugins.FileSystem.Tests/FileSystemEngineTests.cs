using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>Behaviour specific to the filesystem engine, beyond the conformance kit.</summary>
[Collection(RunsAlone.Name)]
public sealed class FileSystemEngineTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private readonly TemporaryFolder _folder = new("engine");

    private FileSystemEngine Create(TimeProvider? clock = null, IStorageLogger? logger = null, bool durable = false, long? maxObjectSize = null) =>
        new(new FileSystemOptions { BaseDir = _folder.Path, Durable = durable, MaxObjectSize = maxObjectSize }, clock, logger);

    [Fact]
    public async Task ETag_changes_on_a_same_size_write_at_the_same_instant()
    {
        var clock = new FrozenClock(Noon);
        await using var engine = Create(clock);

        var first = await engine.SaveAsync("k", "aaaa"u8.ToArray());
        var second = await engine.SaveAsync("k", "aaaa"u8.ToArray());

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(first.Updated, second.Updated);
        Assert.Equal(second, await engine.StatAsync("k"));
    }

    [Fact]
    public async Task Overwrite_keeps_Created_and_Updated_never_goes_back_when_the_clock_does()
    {
        var clock = new FrozenClock(Noon);
        await using var engine = Create(clock);
        var first = await engine.SaveAsync("k", "1"u8.ToArray());

        clock.Now = Noon.AddHours(1);
        var second = await engine.SaveAsync("k", "2"u8.ToArray());
        clock.Now = Noon.AddMinutes(-5);
        var third = await engine.SaveAsync("k", "3"u8.ToArray());

        Assert.Equal(Noon, first.Created);
        Assert.Equal(Noon, second.Created);
        Assert.Equal(Noon, third.Created);
        Assert.Equal(Noon.AddHours(1), second.Updated);
        Assert.Equal(Noon.AddHours(1), third.Updated);
    }

    [Fact]
    public async Task Metadata_survives_a_restart_with_the_content()
    {
        await using (var engine = Create())
        {
            await engine.SaveAsync("doc.json", "{}"u8.ToArray(), new SaveOptions
            {
                ContentType = "application/json",
                Metadata = new Dictionary<string, string> { ["author"] = "ada", ["rev"] = "7" },
            });
        }

        await using var reopened = Create();
        var item = await reopened.StatAsync("doc.json");
        Assert.Equal("application/json", item.ContentType);
        Assert.Equal("ada", item.Metadata["author"]);
        Assert.Equal("7", item.Metadata["rev"]);
        Assert.Equal("{}"u8.ToArray(), await reopened.LoadBytesAsync("doc.json"));
    }

    [Fact]
    public async Task Temporary_files_of_dead_writers_are_removed_on_start_and_live_ones_kept()
    {
        string temporary = Path.Combine(_folder.Path, "%_tmp");
        await using var live = Create();
        Directory.CreateDirectory(temporary);
        File.WriteAllText(Path.Combine(temporary, "0123456789abcdef.1"), "left by a killed writer");
        File.WriteAllText(Path.Combine(temporary, "0123456789abcdef.owner"), "");
        var liveOwner = Directory.GetFiles(temporary, "*.owner").Single(path => !path.Contains("0123456789abcdef", StringComparison.Ordinal));
        string liveTemporary = liveOwner.Replace(".owner", ".999", StringComparison.Ordinal);
        File.WriteAllText(liveTemporary, "in flight");

        await using var restarted = Create();

        Assert.Equal(1, restarted.RemovedTemporaryFiles);
        Assert.False(File.Exists(Path.Combine(temporary, "0123456789abcdef.1")));
        Assert.True(File.Exists(liveTemporary));
        Assert.Empty(await restarted.ListAsync().ToListAsync());
    }

    [Fact]
    public async Task Keys_differing_only_in_case_are_two_files_whose_names_differ_beyond_case()
    {
        await using var engine = Create();
        await engine.SaveAsync("Dir/File.json", "upper"u8.ToArray());
        await engine.SaveAsync("dir/file.json", "lower"u8.ToArray());

        var names = Directory.EnumerateFiles(_folder.Path, "*", SearchOption.AllDirectories)
            .Where(path => !path.Contains("%_", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(_folder.Path, path).ToUpperInvariant())
            .ToList();

        Assert.Equal(2, names.Distinct().Count());
        Assert.Equal("upper"u8.ToArray(), await engine.LoadBytesAsync("Dir/File.json"));
        Assert.Equal("lower"u8.ToArray(), await engine.LoadBytesAsync("dir/file.json"));
    }

    [Fact]
    public async Task Prefix_listing_does_not_read_unrelated_subtrees()
    {
        var logger = new RecordingLogger();
        await using var engine = Create(logger: logger);
        await engine.SaveAsync("mine/a", new byte[] { 1 });
        await engine.SaveAsync("other/b", new byte[] { 1 });
        File.WriteAllText(Path.Combine(_folder.Path, KeyEncoder.DirectoryName("other"), KeyEncoder.FileName("corrupt")), "not an object file");

        var mine = await engine.ListAsync(new ListOptions { Prefix = "mine/" }).ToListAsync();
        Assert.Equal(["mine/a"], mine.Select(entry => entry.Key));
        Assert.Empty(logger.Warnings);

        var all = await engine.ListAsync().ToListAsync();
        Assert.Equal(["mine/a", "other/b"], all.Select(entry => entry.Key));
        Assert.Contains(logger.Warnings, message => message.Contains("other/corrupt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Corrupt_or_truncated_object_file_loads_as_Integrity()
    {
        await using var engine = Create();
        await engine.SaveAsync("k", new byte[1000]);
        string path = Path.Combine(_folder.Path, KeyEncoder.FileName("k"));
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(500);
        }

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("k"));
        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Contains("'k'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_the_engine_did_not_write_are_ignored_by_listings()
    {
        await using var engine = Create();
        await engine.SaveAsync("real", new byte[] { 1 });
        File.WriteAllText(Path.Combine(_folder.Path, "README.TXT"), "foreign");
        File.WriteAllText(Path.Combine(_folder.Path, "%61"), "non-canonical");

        Assert.Equal(["real"], (await engine.ListAsync().ToListAsync()).Select(entry => entry.Key));
    }

    [Fact]
    public async Task Deleting_the_last_key_of_a_folder_removes_the_folder()
    {
        await using var engine = Create();
        await engine.SaveAsync("a/b/c/d", new byte[] { 1 });
        await engine.SaveAsync("a/keep", new byte[] { 1 });

        Assert.True(await engine.DeleteAsync("a/b/c/d"));

        Assert.False(Directory.Exists(Path.Combine(_folder.Path, KeyEncoder.DirectoryName("a"), KeyEncoder.DirectoryName("b"))));
        Assert.Equal(["a/keep"], (await engine.ListAsync(new ListOptions { Prefix = "a/", Recursive = false }).ToListAsync()).Select(e => e.Key));
    }

    [Fact]
    public async Task Long_segments_round_trip_and_list_in_order()
    {
        await using var engine = Create();
        string longFolder = new('F', 250);
        string longName = string.Concat(Enumerable.Repeat("é", 127));
        string[] keys = [$"{longFolder}/{longName}", $"{longFolder}/x", longName, $"{longName}z"];
        foreach (var key in keys)
        {
            await engine.SaveAsync(key, System.Text.Encoding.UTF8.GetBytes(key));
        }

        foreach (var key in keys)
        {
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(key), await engine.LoadBytesAsync(key));
        }

        Assert.Equal(keys.Order(StringComparer.Ordinal), (await engine.ListAsync().ToListAsync()).Select(e => e.Key));
        Assert.Equal([longFolder + "/", longName, longName + "z"], (await engine.ListAsync(new ListOptions { Recursive = false }).ToListAsync()).Select(e => e.Key));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Large_folders_list_in_order_across_several_selection_passes(bool keysOnly)
    {
        // A budget of 4 KiB (about 40 names): 1,500 names take many passes, each dropping names once the budget fills.
        await using var engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path }) { ListingMemoryBudget = 4096 };
        int count = 1500;
        var random = new Random(9);
        var keys = Enumerable.Range(0, count).Select(i => $"big/{random.Next():x8}-{i}").ToList();
        keys.AddRange(["big/sub/x", "big/sub0/y", "big/Upper", "big/~tilde"]);
        foreach (var key in keys)
        {
            await engine.SaveAsync(key, new byte[] { 1 });
        }

        var listed = (await engine.ListAsync(new ListOptions { Prefix = "big/", KeysOnly = keysOnly }).ToListAsync()).Select(e => e.Key).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), listed);
        var afterMiddle = (await engine.ListAsync(new ListOptions { Prefix = "big/", StartAfter = listed[count / 2], KeysOnly = keysOnly }).ToListAsync()).Select(e => e.Key);
        Assert.Equal(listed.Skip(count / 2 + 1), afterMiddle);
        var shallow = (await engine.ListAsync(new ListOptions { Prefix = "big/", Recursive = false, KeysOnly = keysOnly }).ToListAsync()).Select(e => e.Key);
        Assert.Equal(listed.Select(key => key.StartsWith("big/sub", StringComparison.Ordinal) ? key[..(key.IndexOf('/', 4) + 1)] : key).Distinct(), shallow);
    }

    [Fact]
    public async Task Object_larger_than_MaxObjectSize_is_refused_and_nothing_is_written()
    {
        await using var engine = Create(maxObjectSize: 100);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("big", new byte[101]));

        Assert.Equal(StorageErrorCode.ObjectTooLarge, error.Code);
        Assert.False(await engine.ExistsAsync("big"));
        Assert.Equal(100, (await engine.GetInfoAsync()).Limits.MaxObjectSize);
    }

    [Fact]
    public async Task Durable_is_declared_only_when_configured()
    {
        await using var plain = Create();
        await using var durable = Create(durable: true);

        Assert.False(plain.Capabilities.HasFlag(StorageCapabilities.Durable));
        Assert.True(durable.Capabilities.HasFlag(StorageCapabilities.Durable | StorageCapabilities.Persistent));
        await durable.SaveAsync("nested/deep/k", new byte[] { 1, 2 });
        Assert.Equal(new byte[] { 1, 2 }, await plain.LoadBytesAsync("nested/deep/k"));
    }

    [Fact]
    public void Base_folder_that_is_a_file_fails_at_start_naming_baseDir()
    {
        string file = Path.Combine(_folder.Path, "not-a-folder");
        File.WriteAllText(file, "");

        var error = Assert.Throws<StorageException>(() => new FileSystemEngine(new FileSystemOptions { BaseDir = file }));

        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("baseDir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_base_folder_fails_when_createIfMissing_is_false_and_is_created_otherwise()
    {
        string missing = Path.Combine(_folder.Path, "missing");

        var error = Assert.Throws<StorageException>(() => new FileSystemEngine(new FileSystemOptions { BaseDir = missing, CreateIfMissing = false }));
        Assert.Equal(StorageErrorCode.InvalidConfiguration, error.Code);
        Assert.Contains("createIfMissing", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));

        await using var created = new FileSystemEngine(new FileSystemOptions { BaseDir = missing });
        Assert.True(Directory.Exists(missing));
    }

    [Fact]
    public void Options_validation_requires_baseDir()
    {
        var results = new List<ValidationResult>();
        var options = new FileSystemOptions();

        bool valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(results, result => result.MemberNames.Contains(nameof(FileSystemOptions.BaseDir)));
        Assert.NotNull(typeof(FileSystemOptions).GetProperty(nameof(FileSystemOptions.BaseDir))!.GetCustomAttribute<StoragePathAttribute>());
    }

    [Fact]
    public async Task Provider_describes_a_filesystem_backend_and_builds_a_working_engine()
    {
        var provider = new FileSystemProvider();
        var context = new StorageProviderContext { PipelineName = "default", StageName = "disk" };

        await using var engine = await provider.CreateAsync(new FileSystemOptions { BaseDir = _folder.Path }, context);
        await engine.SaveAsync("hello", "world"u8.ToArray());

        Assert.Equal("filesystem", provider.Name);
        Assert.Equal(StorageProviderKind.Backend, provider.Kind);
        Assert.Equal(typeof(FileSystemOptions), provider.OptionsType);
        Assert.Equal("world"u8.ToArray(), await engine.LoadBytesAsync("hello"));
        var error = await Assert.ThrowsAsync<StorageException>(async () =>
            await provider.CreateAsync(new FileSystemOptions { BaseDir = Path.Combine(_folder.Path, "nope"), CreateIfMissing = false }, context));
        Assert.Contains("stage 'disk' of pipeline 'default'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
