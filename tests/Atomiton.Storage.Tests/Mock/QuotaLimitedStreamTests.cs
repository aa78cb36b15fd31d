using Atomiton.Storage.Mock;

namespace Atomiton.Storage.Tests.Mock;

public sealed class QuotaLimitedStreamTests
{
    [Fact]
    public async Task Reads_within_the_allowance_pass_through_in_every_form()
    {
        using var source = new MemoryStream([1, 2, 3, 4, 5, 6]);
        using var stream = new QuotaLimitedStream(source, 6, read => new StorageException(StorageErrorCode.QuotaExceeded, "over"));
        var buffer = new byte[2];

        Assert.Equal(2, stream.Read(buffer, 0, 2));
        Assert.Equal(2, stream.Read(buffer.AsSpan()));
#pragma warning disable CA1835 // the array overload is under test
        Assert.Equal(2, await stream.ReadAsync(buffer, 0, 2));
#pragma warning restore CA1835
        Assert.Equal(0, await stream.ReadAsync(buffer.AsMemory()));
        Assert.Equal(6, stream.Position);
        Assert.False(stream.Exceeded);
        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        stream.Flush();
    }

    [Fact]
    public void Reading_past_the_allowance_throws_the_quota_error()
    {
        using var source = new MemoryStream([1, 2, 3]);
        using var stream = new QuotaLimitedStream(source, 2, read => new StorageException(StorageErrorCode.QuotaExceeded, $"read {read}"));

        var error = Assert.Throws<StorageException>(() => stream.Read(new byte[3], 0, 3));

        Assert.Equal("read 3", error.Message);
        Assert.True(stream.Exceeded);
    }

    [Fact]
    public void Seeking_and_writing_are_not_supported()
    {
        using var stream = new QuotaLimitedStream(Stream.Null, 0, read => new StorageException());

        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Position = 1);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.SetLength(1));
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
    }
}
