using Atomiton.Storage.Memory;

namespace Atomiton.Storage.Tests.Abstractions;

/// <summary>LoadBytesAsync reads a whole streamed object straight into an array of its stored size, and refuses a size mismatch.</summary>
public sealed class LoadBytesSizeCheckTests
{
    [Fact]
    public async Task A_streamed_object_loads_exactly()
    {
        await using var engine = new SizeLyingEngine(new MemoryEngine(), sizeDelta: 0);
        var content = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        await engine.SaveAsync("a/b", content);

        Assert.Equal(content, await engine.LoadBytesAsync("a/b"));
    }

    [Theory]
    [InlineData(5, "ended after 10 bytes")]
    [InlineData(-3, "is longer")]
    public async Task A_stream_that_disagrees_with_the_stored_size_is_an_integrity_error(int sizeDelta, string expected)
    {
        await using var engine = new SizeLyingEngine(new MemoryEngine(), sizeDelta);
        await engine.SaveAsync("a/b", new byte[10]);

        var error = await Assert.ThrowsAsync<StorageException>(() => engine.LoadBytesAsync("a/b").AsTask());

        Assert.Equal(StorageErrorCode.Integrity, error.Code);
        Assert.Equal("a/b", error.Key);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ranged_load_of_a_streamed_object_returns_the_range()
    {
        await using var engine = new SizeLyingEngine(new MemoryEngine(), sizeDelta: 0);
        await engine.SaveAsync("a/b", new byte[] { 0, 1, 2, 3, 4, 5, 6, 7 });

        Assert.Equal(new byte[] { 2, 3, 4 }, await engine.LoadBytesAsync("a/b", new ReadOptions { Range = ByteRange.From(2, 3) }));
    }

    /// <summary>Serves content as a non-seekable stream and reports a stored size off by <c>sizeDelta</c>.</summary>
    private sealed class SizeLyingEngine(IStorageEngine inner, int sizeDelta) : DelegatingStorageEngine(inner)
    {
        public override string EngineType => "size-lying";

        protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
        {
            var result = await base.OpenReadCoreAsync(key, options, cancellationToken);
            var bytes = await result.ReadAllAsync(cancellationToken);
            await result.DisposeAsync();
            return new StorageReadResult(result.Item with { Size = result.Item.Size + sizeDelta }, new NonSeekableStream(bytes));
        }
    }

    private sealed class NonSeekableStream(byte[] content) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(count, Math.Min(content.Length - _position, 4096));
            Array.Copy(content, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
