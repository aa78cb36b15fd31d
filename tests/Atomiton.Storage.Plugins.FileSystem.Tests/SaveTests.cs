namespace Atomiton.Storage.Plugins.FileSystem.Tests;

/// <summary>Saves from streams whose length is only a hint (or unknown), and size limits checked before anything is read.</summary>
public sealed class SaveTests : IAsyncLifetime, IDisposable
{
    private readonly TemporaryFolder _folder = new("save");
    private FileSystemEngine? _engine;

    private FileSystemEngine Engine => _engine!;

    public Task InitializeAsync()
    {
        _engine = new FileSystemEngine(new FileSystemOptions { BaseDir = _folder.Path, MaxObjectSize = 1000 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Engine.DisposeAsync();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_stream_shorter_than_its_Length_saves_what_it_yields()
    {
        var stream = new HintedStream([1, 2, 3], claimedLength: 500);

        var item = await Engine.SaveAsync("short", stream);

        Assert.Equal(3, item.Size);
        Assert.Equal(new byte[] { 1, 2, 3 }, await Engine.LoadBytesAsync("short"));
    }

    [Fact]
    public async Task A_stream_that_cannot_tell_its_Length_saves_whole()
    {
        var stream = new HintedStream([4, 5], claimedLength: null);

        var item = await Engine.SaveAsync("unknown", stream);

        Assert.Equal(2, item.Size);
        Assert.Equal(new byte[] { 4, 5 }, await Engine.LoadBytesAsync("unknown"));
    }

    [Fact]
    public async Task An_ExpectedLength_over_the_limit_is_refused_before_reading()
    {
        var stream = new HintedStream([1], claimedLength: 1);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await Engine.SaveAsync("big", stream, new SaveOptions { ExpectedLength = 1001 }));

        Assert.Equal(StorageErrorCode.ObjectTooLarge, error.Code);
        Assert.Contains("maxObjectSize is 1000", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Position);
        Assert.False(await Engine.ExistsAsync("big"));
    }

    /// <summary>A seekable stream whose Length is a claim (or throws when null).</summary>
    private sealed class HintedStream(byte[] content, long? claimedLength) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => claimedLength ?? throw new NotSupportedException("no length");

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(count, content.Length - _position);
            content.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
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
