using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

public sealed class EncryptedRoundTripTests
{
    public static TheoryData<int> Sizes => [0, 1, 1000, 65535, 65536, 65537, (3 * 65536) + 5];

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Content_round_trips_and_sizes_are_in_plaintext_terms(int size)
    {
        var inner = new MemoryEngine();
        await using var engine = await WithKeyAsync(inner);
        var content = Content(size);

        var saved = await engine.SaveAsync("docs/a.bin", content);

        Assert.Equal(content, await engine.LoadBytesAsync("docs/a.bin"));
        Assert.Equal(size, saved.Size);
        Assert.Equal(saved, await engine.StatAsync("docs/a.bin"));
        Assert.Equal(EncryptedFormat.CiphertextLength(size), (await inner.StatAsync("docs/a.bin")).Size);
        var listed = await engine.ListAsync().SingleAsync();
        Assert.Equal(size, listed.Item!.Size);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(65536)]
    [InlineData(200_000)]
    public async Task A_source_whose_length_hint_is_wrong_still_round_trips(int actualLength)
    {
        await using var engine = await WithKeyAsync(new MemoryEngine());
        var content = Content(actualLength);

        await engine.SaveAsync("hint", new UnderstatedLengthStream(content));

        Assert.Equal(content, await engine.LoadBytesAsync("hint"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1024)]
    [InlineData((2 * 65536) + 3)]
    public async Task A_byte_array_save_tells_the_inner_engine_the_stored_size_up_front(int size)
    {
        var inner = new ExpectedLengthRecorder(new MemoryEngine());
        await using var engine = await WithKeyAsync(inner);

        await engine.SaveAsync("sized", Content(size));
        await engine.SaveAsync("streamed", new UnderstatedLengthStream(Content(size)));

        // A filesystem preallocates the file from it; a hint-only stream still gives none.
        Assert.Equal(EncryptedFormat.CiphertextLength(size), inner.Recorded["sized"]);
        Assert.Null(inner.Recorded["streamed"]);
        Assert.Equal(Content(size), await engine.LoadBytesAsync("sized"));
    }

    [Fact]
    public async Task Backend_never_sees_the_plaintext()
    {
        var inner = new MemoryEngine();
        await using var engine = await WithKeyAsync(inner);
        var content = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("secret flow text ", 500)));

        await engine.SaveAsync("flows/f.json", content);

        var stored = await inner.LoadBytesAsync("flows/f.json");
        Assert.Equal(-1, stored.AsSpan().IndexOf("secret flow"u8));
    }

    [Fact]
    public async Task Two_saves_of_the_same_content_store_different_ciphertext()
    {
        var inner = new MemoryEngine();
        await using var engine = await WithKeyAsync(inner);
        await engine.SaveAsync("a", Content(100));
        await engine.SaveAsync("b", Content(100));

        Assert.NotEqual(await inner.LoadBytesAsync("a"), await inner.LoadBytesAsync("b"));
    }

    [Theory]
    [InlineData(5, 16)]
    [InlineData(0, 1)]
    [InlineData(65530, 20)]
    [InlineData(65536, 65536)]
    [InlineData(100_000, -1)]
    [InlineData(196_000, 10_000)]
    [InlineData(300_000, 5)]
    public async Task Ranges_return_the_plaintext_bytes(long offset, int lengthOrToEnd)
    {
        long? length = lengthOrToEnd < 0 ? null : lengthOrToEnd;
        await using var engine = await WithKeyAsync(new MemoryEngine());
        var content = Content((3 * 65536) + 5);
        await engine.SaveAsync("r", content);

        var got = await engine.LoadBytesAsync("r", new ReadOptions { Range = ByteRange.From(offset, length) });

        var (start, count) = ByteRange.From(offset, length).Resolve(content.Length);
        Assert.Equal(content.AsSpan((int)start, (int)count).ToArray(), got);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(70_000)]
    [InlineData(1_000_000)]
    [InlineData(0)]
    public async Task Suffix_ranges_return_the_last_bytes(long count)
    {
        await using var engine = await WithKeyAsync(new MemoryEngine());
        var content = Content(150_000);
        await engine.SaveAsync("r", content);

        var got = await engine.LoadBytesAsync("r", new ReadOptions { Range = ByteRange.Suffix(count) });

        Assert.Equal(content[(int)(content.Length - Math.Min(count, content.Length))..], got);
    }

    [Fact]
    public async Task A_range_decrypts_only_the_segments_it_covers()
    {
        var counting = new Support.CountingEngine(new MemoryEngine());
        await using var engine = await WithKeyAsync(counting);
        var content = Content(10 * 65536);
        await engine.SaveAsync("big", content);

        // Corrupt segment 8; a range inside segment 2 must still succeed, proving segment 8 is not read.
        var stored = await counting.LoadBytesAsync("big");
        stored[EncryptedFormat.SegmentOffset(8) + 3] ^= 1;
        await counting.SaveAsync("big", stored);

        var got = await engine.LoadBytesAsync("big", new ReadOptions { Range = ByteRange.From((2 * 65536) + 10, 100) });
        Assert.Equal(content.AsSpan((2 * 65536) + 10, 100).ToArray(), got);
        var whole = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("big"));
        Assert.Equal(StorageErrorCode.Integrity, whole.Code);
    }

    [Fact]
    public async Task Conditional_writes_and_loads_pass_through()
    {
        await using var engine = await WithKeyAsync(new MemoryEngine());
        var first = await engine.SaveAsync("c", Content(10), new SaveOptions { Condition = WriteCondition.IfNotExists });

        var conflict = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("c", Content(10), new SaveOptions { Condition = WriteCondition.IfNotExists }));
        Assert.Equal(StorageErrorCode.Conflict, conflict.Code);
        await using var notModified = await engine.OpenReadAsync("c", new ReadOptions { IfNoneMatch = first.ETag });
        Assert.True(notModified.NotModified);
        await engine.SaveAsync("c", Content(20, 2), new SaveOptions { Condition = WriteCondition.IfMatch(first.ETag) });
        Assert.Equal(Content(20, 2), await engine.LoadBytesAsync("c"));
    }

    [Fact]
    public async Task Copy_and_move_re_encrypt_for_the_new_key()
    {
        await using var engine = await WithKeyAsync(new MemoryEngine());
        var content = Content(70_000);
        await engine.SaveAsync("src", content, new SaveOptions { ContentType = "application/octet-stream", Metadata = new Dictionary<string, string> { ["a"] = "1" } });

        var copied = await engine.CopyAsync("src", "dst");
        await engine.MoveAsync("dst", "moved/here");

        Assert.Equal(content, await engine.LoadBytesAsync("src"));
        Assert.Equal(content, await engine.LoadBytesAsync("moved/here"));
        Assert.False(await engine.ExistsAsync("dst"));
        Assert.Equal("1", copied.Metadata["a"]);
        Assert.Equal(70_000, copied.Size);
    }

    [Fact]
    public async Task A_source_shorter_than_its_declared_length_writes_nothing()
    {
        var inner = new MemoryEngine();
        await using var engine = await WithKeyAsync(inner);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.SaveAsync("short", new MemoryStream(Content(100)), new SaveOptions { ExpectedLength = 200 }));

        Assert.Equal(StorageErrorCode.InvalidArgument, error.Code);
        Assert.False(await inner.ExistsAsync("short"));
    }

    [Fact]
    public async Task GetInfo_names_key_ids_but_no_key_material()
    {
        await using var engine = await WithKeyAsync(new MemoryEngine(), previousKeys: "k0=" + KeyB);

        var info = await engine.GetInfoAsync();

        Assert.Equal("encrypted", info.EngineType);
        Assert.Equal("k1", info.Details["activeKeyId"]);
        Assert.Equal("k0,k1", info.Details["keyIds"]);
        Assert.DoesNotContain(info.Details.Values, v => v.Contains(KeyA, StringComparison.Ordinal) || v.Contains(KeyB, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("memory", info.Inner!.EngineType);
    }

    /// <summary>Records the <see cref="SaveOptions.ExpectedLength"/> of each save.</summary>
    private sealed class ExpectedLengthRecorder(IStorageEngine inner) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "recorder";

        public Dictionary<string, long?> Recorded { get; } = [];

        protected override ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
        {
            Recorded[key] = options.ExpectedLength;
            return base.SaveCoreAsync(key, content, options, cancellationToken);
        }
    }

    /// <summary>A seekable stream that claims to hold 5 bytes, whatever it holds.</summary>
    private sealed class UnderstatedLengthStream(byte[] content) : MemoryStream(content, writable: false)
    {
        public override long Length => Math.Min(5, base.Length);
    }
}
