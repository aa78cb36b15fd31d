using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// Object file format 2 (SHA-256 and last-modified in the header) and files of format 1, written by
/// earlier releases: still read, with their SHA-256 computed from the content, and rewritten as
/// format 2 by their next save (docs/filesystem-format.md).
/// </summary>
public sealed class FormatVersionTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Created = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly DateTimeOffset Updated = new(2021, 6, 7, 8, 9, 10, TimeSpan.Zero);
    private readonly TemporaryFolder _folder = new("format");
    private FileSystemEngine? _engine;

    private FileSystemEngine Engine => _engine!;

    public Task InitializeAsync()
    {
        _engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Engine.DisposeAsync();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Saves_write_format_2_with_the_hash_and_last_modified_time_which_survive_a_restart()
    {
        var content = Encoding.UTF8.GetBytes("hello, format 2");
        var lastModified = new DateTimeOffset(2019, 3, 4, 5, 6, 7, TimeSpan.FromHours(-5)).AddTicks(3);

        var saved = await Engine.SaveAsync("docs/a.txt", content, new SaveOptions { LastModified = lastModified });
        await using var reopened = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path });
        var stat = await reopened.StatAsync("docs/a.txt");

        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(File.ReadAllBytes(ObjectFile("docs/a.txt")).AsSpan(8)));
        Assert.Equal(saved, stat);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), stat.Hashes[StorageHashAlgorithms.Sha256]);
        Assert.Equal(lastModified, stat.LastModified);
        Assert.Equal(TimeSpan.Zero, stat.LastModified!.Value.Offset);
        Assert.Equal(["sha256"], (await reopened.GetInfoAsync()).HashAlgorithms);
        Assert.Equal(TimeSpan.FromTicks(1), (await reopened.GetInfoAsync()).Limits.ModifiedTimePrecision);
    }

    [Fact]
    public async Task Stat_and_listing_report_the_stored_hash_without_reading_the_content()
    {
        await Engine.SaveAsync("stored", "abc"u8.ToArray());
        string stored = (await Engine.StatAsync("stored")).Hashes[StorageHashAlgorithms.Sha256];

        // Alter the content behind the engine's back, keeping the length: only a content read would notice.
        var bytes = File.ReadAllBytes(ObjectFile("stored"));
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(ObjectFile("stored"), bytes);

        Assert.Equal(stored, (await Engine.StatAsync("stored")).Hashes[StorageHashAlgorithms.Sha256]);
        await foreach (var entry in Engine.ListAsync())
        {
            Assert.Equal(stored, entry.Item!.Hashes[StorageHashAlgorithms.Sha256]);
        }
    }

    [Fact]
    public async Task A_format_1_file_is_read_with_its_hash_computed_from_the_content_and_no_last_modified()
    {
        var content = new byte[100_000];
        new Random(9).NextBytes(content);
        WriteFormat1("old/photo.jpg", content, "image/jpeg");
        string expected = Convert.ToHexStringLower(SHA256.HashData(content));

        var stat = await Engine.StatAsync("old/photo.jpg");
        await using var read = await Engine.OpenReadAsync("old/photo.jpg");
        var listed = new List<StorageEntry>();
        await foreach (var entry in Engine.ListAsync(new ListOptions { Prefix = "old/" }))
        {
            listed.Add(entry);
        }

        Assert.Equal(expected, stat.Hashes[StorageHashAlgorithms.Sha256]);
        Assert.Null(stat.LastModified);
        Assert.Equal(Created, stat.Created);
        Assert.Equal(Updated, stat.Updated);
        Assert.Equal("image/jpeg", stat.ContentType);
        Assert.Equal(content.Length, stat.Size);
        Assert.Equal(stat, read.Item);
        Assert.Equal(stat, Assert.Single(listed).Item);
        using var loaded = new MemoryStream();
        await read.Content.CopyToAsync(loaded);
        Assert.Equal(content, loaded.ToArray());
    }

    [Fact]
    public async Task A_save_over_a_format_1_file_writes_format_2_and_keeps_created()
    {
        WriteFormat1("upgrade", [1, 2, 3], null);

        var saved = await Engine.SaveAsync("upgrade", new byte[] { 4, 5 });

        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(File.ReadAllBytes(ObjectFile("upgrade")).AsSpan(8)));
        Assert.Equal(Created, saved.Created);
        Assert.Equal(saved, await Engine.StatAsync("upgrade"));
    }

    [Fact]
    public async Task A_format_1_file_under_a_long_name_lists_by_its_stored_key()
    {
        string key = "long/" + new string('n', 250);
        await Engine.SaveAsync(key, new byte[] { 1 });
        string path = Directory.GetFiles(Path.Combine(_folder.Path, "long%2f")).Single();
        string name = Path.GetFileName(path);
        File.Delete(path);
        WriteFormat1At(path, key, [7, 7], null);

        var keys = new List<string>();
        await foreach (var entry in Engine.ListAsync(new ListOptions { Prefix = "long/", KeysOnly = true }))
        {
            keys.Add(entry.Key);
        }

        Assert.Contains("%~", name, StringComparison.Ordinal);
        Assert.Equal([key], keys);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([7, 7])), (await Engine.StatAsync(key)).Hashes[StorageHashAlgorithms.Sha256]);
    }

    private string ObjectFile(string key) => Path.Combine(_folder.Path, ObjectPaths.RelativeObjectPath(key));

    private void WriteFormat1(string key, byte[] content, string? contentType)
    {
        string path = ObjectFile(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        WriteFormat1At(path, key, content, contentType);
    }

    /// <summary>An object file exactly as format 1 (the layout of docs/filesystem-format.md before format 2) lays it out.</summary>
    private static void WriteFormat1At(string path, string key, byte[] content, string? contentType)
    {
        var header = new List<byte>();
        header.AddRange(new byte[] { 0x89, (byte)'A', (byte)'T', (byte)'F', (byte)'S', 0x0D, 0x0A, 0x1A });
        header.AddRange(LittleEndian16(1));
        header.AddRange(LittleEndian16(0));
        header.AddRange(new byte[4]); // header length, patched below
        header.AddRange(BitConverter.GetBytes((long)content.Length));
        header.AddRange(BitConverter.GetBytes(Created.UtcTicks));
        header.AddRange(BitConverter.GetBytes(Updated.UtcTicks));
        header.AddRange(Enumerable.Range(1, 16).Select(i => (byte)i));
        AddString(header, key);
        AddString(header, contentType);
        header.AddRange(LittleEndian16(0));
        var bytes = header.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), bytes.Length);
        File.WriteAllBytes(path, [.. bytes, .. content]);
    }

    private static void AddString(List<byte> header, string? value)
    {
        if (value is null)
        {
            header.AddRange(LittleEndian16(ushort.MaxValue));
            return;
        }

        var utf8 = Encoding.UTF8.GetBytes(value);
        header.AddRange(LittleEndian16((ushort)utf8.Length));
        header.AddRange(utf8);
    }

    private static byte[] LittleEndian16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return bytes;
    }
}
