using Atomiton.Storage.IO;

namespace Atomiton.Storage.Plugins.Browser.Transfers;

/// <summary>
/// A load's content as the page posted it: exactly <paramref name="length"/> bytes (the size the page reported
/// with the item), or an error naming the key. Disposing it ends the page's request.
/// </summary>
internal sealed class PostedContentStream(Stream body, long length, string provider, string key) : ReadOnlyStream
{
    private long _read;
    private bool _ended;

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = body.Read(buffer);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            throw Cut(e);
        }

        return Check(read, buffer.Length);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await body.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The server's body reports a page that went away as an IOException (BadHttpRequestException), or as the
            // connection's abort (an OperationCanceledException nobody asked for).
            throw Cut(e);
        }

        return Check(read, buffer.Length);
    }

    private int Check(int read, int asked)
    {
        if (asked == 0 || _ended)
        {
            return read;
        }

        _read += read;
        if (_read > length)
        {
            throw new StorageException(StorageErrorCode.Integrity,
                $"The page sent more than the {length} bytes of '{key}' it reported; the object changed while it was read. Load it again.")
            { Provider = provider, Operation = StorageOperation.Load, Key = key, IsTransient = true };
        }

        if (read == 0)
        {
            if (_read < length)
            {
                throw Cut(null);
            }

            _ended = true;
        }

        return read;
    }

    private StorageException Cut(Exception? inner) =>
        new(StorageErrorCode.NetworkError,
            $"The page's HTTP transfer of '{key}' ended after {_read} of {length} bytes (the page was closed or reloaded, or the connection dropped). Load it again.", inner)
        { Provider = provider, Operation = StorageOperation.Load, Key = key, IsTransient = true };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        body.Dispose();
        return base.DisposeAsync();
    }
}
