using Atomiton.Storage.Resilience.Observability;

namespace Atomiton.Storage.Resilience.Tests.Observability;

public sealed class CountingReadStreamTests
{
    [Fact]
    public async Task Reads_in_every_form_are_counted_and_reported_once_on_dispose()
    {
        var reports = new List<long>();
        var stream = new CountingReadStream(new MemoryStream([1, 2, 3, 4, 5, 6, 7]), reports.Add);
        var buffer = new byte[2];

        Assert.Equal(2, stream.Read(buffer, 0, 2));
        Assert.Equal(2, stream.Read(buffer.AsSpan()));
#pragma warning disable CA1835 // the array overload is under test
        Assert.Equal(2, await stream.ReadAsync(buffer, 0, 2));
#pragma warning restore CA1835
        Assert.Equal(1, await stream.ReadAsync(buffer.AsMemory()));
        Assert.True(stream.CanRead);
        Assert.True(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Equal(7, stream.Length);
        Assert.Equal(7, stream.Position);
        stream.Position = 0;
        Assert.Equal(0, stream.Seek(0, SeekOrigin.Begin));
        stream.Flush();
        Assert.Throws<NotSupportedException>(() => stream.SetLength(1));
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
        await stream.DisposeAsync();
        stream.Dispose();

        Assert.Equal([7L], reports);
    }

    [Fact]
    public void Synchronous_dispose_reports_too()
    {
        var reports = new List<long>();
        var stream = new CountingReadStream(new MemoryStream([1]), reports.Add);
        stream.ReadByte();

        stream.Dispose();

        Assert.Equal([1L], reports);
    }
}
