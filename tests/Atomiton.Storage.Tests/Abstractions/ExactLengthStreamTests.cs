namespace Atomiton.Storage.Tests.Abstractions;

public sealed class ExactLengthStreamTests
{
    [Fact]
    public async Task A_source_of_exactly_the_expected_length_passes_and_is_hashed_as_it_streams()
    {
        var content = new byte[70_000];
        new Random(3).NextBytes(content);
        await using var exact = new ExactLengthStream(new MemoryStream(content), "a/b", content.Length, [StorageHashAlgorithms.Sha256, StorageHashAlgorithms.QuickXor]);

        using var copy = new MemoryStream();
        await exact.CopyToAsync(copy);

        Assert.Equal(content, copy.ToArray());
        Assert.True(exact.IsComplete);
        Assert.Equal(content.Length, exact.BytesRead);
        Assert.Equal(StorageContentHash.Compute(StorageHashAlgorithms.Sha256, content), exact.GetHashes()[StorageHashAlgorithms.Sha256]);
        Assert.Equal(StorageContentHash.Compute(StorageHashAlgorithms.QuickXor, content), exact.GetHashes()[StorageHashAlgorithms.QuickXor]);
    }

    [Fact]
    public async Task A_short_source_fails_at_its_end_naming_the_key_and_both_lengths()
    {
        await using var exact = new ExactLengthStream(new MemoryStream(new byte[10]), "docs/short.txt", 12, provider: "memory");

        var error = await Assert.ThrowsAsync<StorageException>(() => exact.CopyToAsync(Stream.Null));

        Assert.Equal(StorageErrorCode.InvalidArgument, error.Code);
        Assert.Equal("docs/short.txt", error.Key);
        Assert.Equal("memory", error.Provider);
        Assert.Equal(StorageOperation.Save, error.Operation);
        Assert.Contains("only 10 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("ExpectedLength is 12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_source_fails_as_soon_as_it_runs_past_the_expected_length()
    {
        var source = new MemoryStream(new byte[100]);
        await using var exact = new ExactLengthStream(source, "long", 40);
        var buffer = new byte[30];

        Assert.Equal(30, await exact.ReadAsync(buffer));
        var error = await Assert.ThrowsAsync<StorageException>(async () => await exact.ReadExactlyAsync(buffer));

        Assert.Equal(StorageErrorCode.InvalidArgument, error.Code);
        Assert.Contains("more than 40 (at least 60) bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("'long'", error.Message, StringComparison.Ordinal);
        Assert.Equal(60, source.Position);
    }

    [Fact]
    public void Without_an_expected_length_it_only_counts_and_hashes_and_synchronous_reads_work()
    {
        using var exact = new ExactLengthStream(new MemoryStream("abc"u8.ToArray()), "k", null, [StorageHashAlgorithms.Md5]);
        var buffer = new byte[8];

        Assert.Throws<InvalidOperationException>(() => exact.GetHashes());
        Assert.Equal(3, exact.Read(buffer, 0, 8));
        Assert.Equal(0, exact.Read(buffer, 0, 8));

        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", exact.GetHashes()[StorageHashAlgorithms.Md5]);
        Assert.Throws<NotSupportedException>(() => exact.Length);
    }

    [Fact]
    public async Task The_source_is_left_open_unless_told_otherwise()
    {
        var kept = new MemoryStream([1]);
        var owned = new MemoryStream([1]);

        await new ExactLengthStream(kept, "k", 1).DisposeAsync();
        await new ExactLengthStream(owned, "k", 1, leaveOpen: false).DisposeAsync();

        Assert.True(kept.CanRead);
        Assert.False(owned.CanRead);
    }

    [Fact]
    public void Unknown_algorithms_and_negative_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ExactLengthStream(Stream.Null, "k", null, ["crc32"]));
        Assert.Throws<ArgumentException>(() => new ExactLengthStream(Stream.Null, "k", -1));
    }
}
