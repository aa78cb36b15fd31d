using System.Buffers;

namespace Atomiton.Storage.Resilience.Timeout;

/// <summary>
/// A loaded content stream whose every read must finish within the stage's step budget; a read past
/// it cancels the read, fails with <see cref="StorageErrorCode.Timeout"/>, and leaves the stream unusable.
/// </summary>
internal sealed class StepTimedReadStream(Stream inner, TimeoutEngine stage, TimeProvider time, string key) : Stream
{
    private readonly CancellationTokenSource _stalled = new();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException("A loaded content stream is read forward only.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // A synchronous read can only be timed by waiting for an asynchronous one.
        byte[] rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int read = ReadAsync(rented.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_stalled.IsCancellationRequested)
        {
            throw stage.Stalled(StorageOperation.Load, key, new TimeoutException());
        }

        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stalled.Token) : null;
        var read = inner.ReadAsync(buffer, linked?.Token ?? _stalled.Token);
        if (read.IsCompleted)
        {
            return await read;
        }

        var pending = read.AsTask();
        try
        {
            return await pending.WaitAsync(stage.IoTimeout, time, cancellationToken);
        }
        catch (TimeoutException e)
        {
            await _stalled.CancelAsync();
            _ = pending.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw stage.Stalled(StorageOperation.Load, key, e);
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A loaded content stream is read forward only.");

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("A loaded content stream is read only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A loaded content stream is read only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _stalled.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        _stalled.Dispose();
        await base.DisposeAsync();
    }
}
