using Atomiton.Storage.Encrypted;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>The stream that drops the bytes before a range when the backend cannot read ranges.</summary>
public sealed class SkippingStreamTests
{
    private static readonly byte[] Source = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();

    [Fact]
    public void A_synchronous_read_starts_after_the_skipped_bytes_even_when_the_buffer_is_smaller_than_the_skip()
    {
        using var stream = new SkippingStream(new MemoryStream(Source), 25);
        var buffer = new byte[10];

        int got = stream.Read(buffer, 0, buffer.Length);

        Assert.Equal(10, got);
        Assert.Equal(Source.AsSpan(25, 10).ToArray(), buffer);
    }

    [Fact]
    public void A_source_that_ends_before_the_skip_is_done_ends_the_stream_instead_of_looping()
    {
        using var stream = new SkippingStream(new MemoryStream(Source), 150);

        Assert.Equal(0, stream.Read(new byte[10], 0, 10));
    }

    [Fact]
    public async Task An_asynchronous_read_past_the_end_of_the_source_ends_the_stream()
    {
        await using var stream = new SkippingStream(new MemoryStream(Source), 150);

        Assert.Equal(0, await stream.ReadAsync(new byte[10].AsMemory()));
    }

    [Fact]
    public void Disposing_releases_the_source()
    {
        var source = new MemoryStream(Source);
        var stream = new SkippingStream(source, 1);

        stream.Dispose();

        Assert.False(source.CanRead);
    }
}
