namespace Atomiton.Storage.Tests.Abstractions;

public sealed class ByteRangeTests
{
    [Theory]
    [InlineData(5, 11L, 100, 5, 11)]
    [InlineData(5, null, 100, 5, 95)]
    [InlineData(90, 50L, 100, 90, 10)]
    [InlineData(100, null, 100, 100, 0)]
    [InlineData(500, 10L, 100, 100, 0)]
    [InlineData(0, 0L, 100, 0, 0)]
    [InlineData(0, 10L, 0, 0, 0)]
    public void From_resolves_clamped_to_the_end(long offset, long? length, long size, long start, long count) =>
        Assert.Equal((start, count), ByteRange.From(offset, length).Resolve(size));

    [Theory]
    [InlineData(4, 100, 96, 4)]
    [InlineData(100, 100, 0, 100)]
    [InlineData(1000, 100, 0, 100)]
    [InlineData(0, 100, 100, 0)]
    [InlineData(5, 0, 0, 0)]
    public void Suffix_resolves_to_the_last_bytes(long count, long size, long start, long length) =>
        Assert.Equal((start, length), ByteRange.Suffix(count).Resolve(size));

    [Fact]
    public void Negative_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteRange.From(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteRange.From(0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteRange.Suffix(-1));
    }

    [Fact]
    public void Ranges_print_as_HTTP_range_headers()
    {
        Assert.Equal("bytes=5-15", ByteRange.From(5, 11).ToString());
        Assert.Equal("bytes=5-", ByteRange.From(5).ToString());
        Assert.Equal("bytes=-4", ByteRange.Suffix(4).ToString());
    }

    [Fact]
    public void Properties_describe_the_range()
    {
        var suffix = ByteRange.Suffix(4);
        Assert.True(suffix.IsSuffix);
        Assert.Equal(4, suffix.Length);
        var from = ByteRange.From(3);
        Assert.False(from.IsSuffix);
        Assert.Equal(3, from.Offset);
        Assert.Null(from.Length);
    }
}
