namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>
/// The read path: a small object's header and content come in one read and are served from memory;
/// a larger one streams from the file after its header; either way ranges, if-none-match and the
/// integrity checks behave the same.
/// </summary>
public sealed class ObjectReadTests : IAsyncLifetime, IDisposable
{
    private const int OneRead = 64 * 1024;
    private readonly TemporaryFolder _folder = new("read");
    private FileSystemEngine? _engine;

    private FileSystemEngine Engine => _engine!;

    public static TheoryData<int> Sizes() => [0, 1, 1000, OneRead - 200, OneRead, OneRead + 1, 3 * OneRead + 17];

    public Task InitializeAsync()
    {
        _engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Engine.DisposeAsync();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Objects_on_either_side_of_the_one_read_buffer_load_whole_and_in_ranges(int size)
    {
        byte[] content = Content(size, seed: size);
        var saved = await Engine.SaveAsync("sized/object", content);

        Assert.Equal(content, await Engine.LoadBytesAsync("sized/object"));
        foreach (var (offset, length) in new[] { (0L, 1L), (size / 2L, 100L), (Math.Max(0, size - 10L), 10L), (OneRead - 5L, 10L) })
        {
            if (offset >= size)
            {
                continue;
            }

            long expected = Math.Min(length, size - offset);
            var range = await Engine.LoadBytesAsync("sized/object", new ReadOptions { Range = ByteRange.From(offset, length) });
            Assert.Equal(content.AsSpan((int)offset, (int)expected).ToArray(), range);
        }

        await using var notModified = await Engine.OpenReadAsync("sized/object", new ReadOptions { IfNoneMatch = saved.ETag });
        Assert.True(notModified.NotModified);
        Assert.Equal(saved, notModified.Item);
    }

    [Fact]
    public async Task A_large_object_streams_with_seeking_inside_its_range()
    {
        byte[] content = Content(3 * OneRead, seed: 3);
        await Engine.SaveAsync("large", content);

        await using var result = await Engine.OpenReadAsync("large", new ReadOptions { Range = ByteRange.From(1000, 2 * OneRead) });
        var stream = result.Content;
        Assert.True(stream.CanRead && stream.CanSeek && !stream.CanWrite);
        Assert.Equal(2 * OneRead, stream.Length);

        Assert.Equal(content[1000], stream.ReadByte());
        Assert.Equal(1, stream.Position);
        stream.Position = 500;
        var buffer = new byte[100];
        Assert.Equal(100, stream.Read(buffer, 0, 100));
        Assert.Equal(content.AsSpan(1500, 100).ToArray(), buffer);
        Assert.Equal(2 * OneRead - 10, stream.Seek(-10, SeekOrigin.End));
        Assert.Equal(10, await stream.ReadAsync(buffer.AsMemory()));
        Assert.Equal(content.AsSpan(1000 + 2 * OneRead - 10, 10).ToArray(), buffer.AsSpan(0, 10).ToArray());
#pragma warning disable CA1835 // the array overload is part of the stream too
        Assert.Equal(0, await stream.ReadAsync(buffer, 0, 100));
#pragma warning restore CA1835
        Assert.Equal(-1, stream.ReadByte());
        Assert.Equal(2 * OneRead, stream.Seek(OneRead * 10, SeekOrigin.Begin));
        Assert.Equal(2 * OneRead - 1, stream.Seek(-1, SeekOrigin.Current));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Seek(-1, SeekOrigin.Begin));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Seek(0, (SeekOrigin)7));
        Assert.Throws<NotSupportedException>(() => stream.Write(buffer, 0, 1));
        Assert.Throws<NotSupportedException>(() => stream.SetLength(1));
        stream.Flush();
    }

    [Fact]
    public async Task A_cancelled_read_throws_and_a_disposed_stream_refuses_reads()
    {
        await Engine.SaveAsync("large", Content(2 * OneRead, seed: 4));
        var result = await Engine.OpenReadAsync("large");
        var stream = result.Content;
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stream.ReadExactlyAsync(new byte[10], cancelled.Token));
        await result.DisposeAsync();

        Assert.False(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.Throws<ObjectDisposedException>(() => stream.ReadByte());
        Assert.Throws<ObjectDisposedException>(() => stream.Seek(0, SeekOrigin.Begin));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await stream.ReadExactlyAsync(new byte[10]));
    }

    [Fact]
    public async Task Headers_larger_than_the_first_read_are_read_in_full()
    {
        // 8 values of 1,000 two-byte characters: a header of ~16 KiB, beyond Stat's 4 KiB first read.
        var metadata = Enumerable.Range(0, 8).ToDictionary(i => $"m{i}", i => new string('é', 1000));
        await Engine.SaveAsync("annotated", "body"u8.ToArray(), new SaveOptions { Metadata = metadata, ContentType = "text/plain" });

        var item = await Engine.StatAsync("annotated");
        var listed = Assert.Single(await Engine.ListAsync().ToListAsync()).Item;

        Assert.Equal(metadata, item.Metadata);
        Assert.Equal(item, listed);
        Assert.Equal("body"u8.ToArray(), await Engine.LoadBytesAsync("annotated"));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(2 * OneRead)]
    public async Task A_file_longer_than_its_header_says_is_Integrity(int size)
    {
        await Engine.SaveAsync("grown", Content(size, seed: 5));
        await using (var file = new FileStream(Path.Combine(_folder.Path, "grown"), FileMode.Append))
        {
            file.Write("appended"u8);
        }

        await AssertIntegrity(() => Engine.LoadBytesAsync("grown").AsTask());
        await AssertIntegrity(() => Engine.StatAsync("grown").AsTask());
    }

    [Fact]
    public async Task A_file_shorter_than_a_header_is_Integrity()
    {
        File.WriteAllBytes(Path.Combine(_folder.Path, "tiny"), [0x89, (byte)'A', (byte)'T']);

        await AssertIntegrity(() => Engine.LoadBytesAsync("tiny").AsTask());
    }

    [Fact]
    public async Task A_header_from_a_newer_format_or_with_a_bad_length_is_Integrity()
    {
        await Engine.SaveAsync("versioned", "x"u8.ToArray());
        await Engine.SaveAsync("lengthy", "x"u8.ToArray());
        Patch("versioned", 8, [3, 0]);
        Patch("lengthy", 12, [8, 0, 0, 0]);

        var version = await AssertIntegrity(() => Engine.LoadBytesAsync("versioned").AsTask());
        await AssertIntegrity(() => Engine.StatAsync("lengthy").AsTask());
        Assert.Contains("format version 3", version.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_holding_another_keys_object_is_Integrity()
    {
        await Engine.SaveAsync("original", "x"u8.ToArray());
        File.Copy(Path.Combine(_folder.Path, "original"), Path.Combine(_folder.Path, "copy"));

        var error = await AssertIntegrity(() => Engine.LoadBytesAsync("copy").AsTask());

        Assert.Contains("another key ('original')", error.Message, StringComparison.Ordinal);
    }

    private void Patch(string name, int offset, byte[] bytes)
    {
        using var file = new FileStream(Path.Combine(_folder.Path, name), FileMode.Open);
        file.Position = offset;
        file.Write(bytes);
    }

    private static async Task<StorageException> AssertIntegrity(Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<StorageException>(action);
        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        return error;
    }

    private static byte[] Content(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
