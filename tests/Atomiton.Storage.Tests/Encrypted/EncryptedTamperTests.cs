using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using static Atomiton.Storage.Tests.Encrypted.EncryptedTestEngines;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>Every kind of damage to a stored object fails the read with an error, never with wrong bytes.</summary>
public sealed class EncryptedTamperTests
{
    private const int Size = (2 * EncryptedFormat.SegmentSize) + 100;

    public static TheoryData<string, int, StorageErrorCode> FlippedPositions => new()
    {
        { "magic", EncryptedFormat.MagicOffset + 1, StorageErrorCode.Integrity },
        { "version", EncryptedFormat.VersionOffset, StorageErrorCode.Integrity },
        { "segment size", EncryptedFormat.SegmentSizeOffset, StorageErrorCode.Integrity },
        { "key id length", EncryptedFormat.KeyIdLengthOffset, StorageErrorCode.Integrity },
        { "key id", EncryptedFormat.KeyIdOffset, StorageErrorCode.AuthenticationFailed },
        { "key id padding", EncryptedFormat.KeyIdOffset + 10, StorageErrorCode.Integrity },
        { "key check", EncryptedFormat.KeyCheckOffset + 3, StorageErrorCode.AuthenticationFailed },
        { "salt", EncryptedFormat.SaltOffset + 5, StorageErrorCode.Integrity },
        { "nonce prefix", EncryptedFormat.NoncePrefixOffset + 6, StorageErrorCode.Integrity },
        { "first segment body", EncryptedFormat.HeaderSize, StorageErrorCode.Integrity },
        { "first segment tag", EncryptedFormat.HeaderSize + EncryptedFormat.SegmentSize + 15, StorageErrorCode.Integrity },
        { "middle segment body", (int)EncryptedFormat.SegmentOffset(1) + 30_000, StorageErrorCode.Integrity },
        { "final segment body", (int)EncryptedFormat.SegmentOffset(2) + 50, StorageErrorCode.Integrity },
        { "final segment tag (last byte)", -1, StorageErrorCode.Integrity },
    };

    [Theory]
    [MemberData(nameof(FlippedPositions))]
    public async Task A_flipped_bit_fails_the_read(string where, int position, StorageErrorCode expected)
    {
        var (inner, engine, _) = await StoreAsync();
        var stored = await inner.LoadBytesAsync("obj");
        int at = position < 0 ? stored.Length + position : position;
        stored[at] ^= 0x01;
        await inner.SaveAsync("obj", stored);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("obj"));

        Assert.True(expected == error.Code, $"flip in {where}: expected {expected}, got {error.Code}: {error.Message}");
        Assert.Equal("obj", error.Key);
    }

    [Theory]
    [MemberData(nameof(FlippedPositions))]
    public async Task A_flipped_bit_fails_a_range_that_covers_it(string where, int position, StorageErrorCode expected)
    {
        var (inner, engine, _) = await StoreAsync();
        var stored = await inner.LoadBytesAsync("obj");
        int at = position < 0 ? stored.Length + position : position;
        stored[at] ^= 0x01;
        await inner.SaveAsync("obj", stored);
        long plainOffset = Math.Max(0, ((at - EncryptedFormat.HeaderSize) / EncryptedFormat.EncryptedSegmentSize) * EncryptedFormat.SegmentSize);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("obj", new ReadOptions { Range = ByteRange.From(plainOffset, 10) }));

        Assert.True(expected == error.Code, $"flip in {where}: expected {expected}, got {error.Code}: {error.Message}");
    }

    public static TheoryData<int> TruncationLengths => new()
    {
        0,
        EncryptedFormat.HeaderSize - 1,
        EncryptedFormat.HeaderSize,
        EncryptedFormat.HeaderSize + 10,
        (int)EncryptedFormat.SegmentOffset(1),
        (int)EncryptedFormat.SegmentOffset(1) + 1,
        (int)EncryptedFormat.SegmentOffset(2),
        (int)EncryptedFormat.SegmentOffset(2) + 16,
        (int)EncryptedFormat.CiphertextLength(Size) - 1,
    };

    [Theory]
    [MemberData(nameof(TruncationLengths))]
    public async Task Truncation_at_any_length_fails_the_read(int length)
    {
        var (inner, engine, _) = await StoreAsync();
        var stored = await inner.LoadBytesAsync("obj");
        await inner.SaveAsync("obj", stored.AsMemory(0, length));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("obj"));
        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        var ranged = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("obj", new ReadOptions { Range = ByteRange.Suffix(5) }));
        Assert.Equal(StorageErrorCode.Integrity, ranged.Code);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(EncryptedFormat.EncryptedSegmentSize)]
    public async Task Extension_fails_the_read(int extra)
    {
        var (inner, engine, _) = await StoreAsync();
        var stored = await inner.LoadBytesAsync("obj");
        await inner.SaveAsync("obj", (byte[])[.. stored, .. stored.AsSpan(EncryptedFormat.HeaderSize, extra)]);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("obj"));
        Assert.Equal(StorageErrorCode.Integrity, error.Code);
    }

    [Fact]
    public async Task An_empty_object_with_a_forged_tag_fails_the_read()
    {
        var inner = new MemoryEngine();
        await using var engine = await WithKeyAsync(inner);
        await engine.SaveAsync("empty", Array.Empty<byte>());
        var stored = await inner.LoadBytesAsync("empty");
        stored[^1] ^= 1;
        await inner.SaveAsync("empty", stored);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("empty"));
        Assert.Equal(StorageErrorCode.Integrity, error.Code);
    }

    [Fact]
    public async Task Reordered_segments_fail_the_read()
    {
        var (inner, engine, _) = await StoreAsync();
        var stored = await inner.LoadBytesAsync("obj");
        var first = stored.AsSpan((int)EncryptedFormat.SegmentOffset(0), EncryptedFormat.EncryptedSegmentSize).ToArray();
        stored.AsSpan((int)EncryptedFormat.SegmentOffset(1), EncryptedFormat.EncryptedSegmentSize).CopyTo(stored.AsSpan((int)EncryptedFormat.SegmentOffset(0)));
        first.CopyTo(stored.AsSpan((int)EncryptedFormat.SegmentOffset(1)));
        await inner.SaveAsync("obj", stored);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync("obj"));
        Assert.Equal(StorageErrorCode.Integrity, error.Code);
    }

    [Fact]
    public async Task Swapped_objects_fail_the_read()
    {
        var (inner, engine, _) = await StoreAsync();
        await engine.SaveAsync("other", Content(Size, seed: 99));
        var a = await inner.LoadBytesAsync("obj");
        var b = await inner.LoadBytesAsync("other");
        await inner.SaveAsync("obj", b);
        await inner.SaveAsync("other", a);

        foreach (var key in new[] { "obj", "other" })
        {
            var error = await Assert.ThrowsAsync<StorageException>(async () => await engine.LoadBytesAsync(key));
            Assert.Equal(StorageErrorCode.Integrity, error.Code);
        }
    }

    [Fact]
    public async Task Bytes_returned_before_damage_is_found_are_authentic()
    {
        var (inner, engine, content) = await StoreAsync();
        var stored = await inner.LoadBytesAsync("obj");
        stored[(int)EncryptedFormat.SegmentOffset(2) + 3] ^= 1;
        await inner.SaveAsync("obj", stored);

        await using var read = await engine.OpenReadAsync("obj");
        var buffer = new byte[Size];
        int total = 0;
        var error = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            int n;
            while ((n = await read.Content.ReadAsync(buffer.AsMemory(total))) > 0)
            {
                total += n;
            }
        });

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Equal(2 * EncryptedFormat.SegmentSize, total);
        Assert.Equal(content[..total], buffer[..total]);
    }

    private static async Task<(MemoryEngine Inner, EncryptedEngine Engine, byte[] Content)> StoreAsync()
    {
        var inner = new MemoryEngine();
        var engine = await WithKeyAsync(inner);
        var content = Content(Size);
        await engine.SaveAsync("obj", content);
        return (inner, engine, content);
    }
}
