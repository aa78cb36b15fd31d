using System.Runtime.Versioning;
using Atomiton.Storage.IO;

namespace Atomiton.Storage.Plugins.Browser.Interop;

/// <summary>
/// A large load's content in WebAssembly: a reader the module holds over the object's Blob, read through
/// [JSImport] one chunk (at most <see cref="Chunk"/> bytes, and no more than the caller asks) per call, so .NET
/// holds one chunk at a time. Reads are asynchronous only (WebAssembly has one thread: a synchronous read would
/// wait on itself). Disposing releases the reader.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class ImportedReadStream(int reader, long length, string engineType, string key) : ReadOnlyStream
{
    /// <summary>The most one read call carries.</summary>
    public const int Chunk = 1024 * 1024;

    private long _position;
    private bool _released;

    public override int Read(Span<byte> buffer) =>
        throw new NotSupportedException("In WebAssembly a loaded object's content is read asynchronously (ReadAsync, CopyToAsync): a synchronous read would block the only thread.");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_released && _position < length, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_position >= length || buffer.Length == 0)
        {
            return 0;
        }

        int count = (int)Math.Min(Math.Min(buffer.Length, Chunk), length - _position);
        using var answer = await ImportedModule.ReaderRead(reader, _position, count);
        if (ImportedModule.Error(answer) is { } error)
        {
            throw BrowserErrors.ToException(error, answer.GetPropertyAsString("m"), engineType, StorageOperation.Load, key);
        }

        byte[] chunk = answer.GetPropertyAsByteArray("d") ?? [];
        if (chunk.Length == 0)
        {
            throw new StorageException(StorageErrorCode.Integrity, $"The content of '{key}' ended after {_position} of its {length} bytes.")
            { Provider = engineType, Operation = StorageOperation.Load, Key = key };
        }

        chunk.CopyTo(buffer);
        _position += chunk.Length;
        if (_position >= length)
        {
            Release();
        }

        return chunk.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
        }

        base.Dispose(disposing);
    }

    private void Release()
    {
        if (!_released)
        {
            _released = true;
            ImportedModule.ReaderRelease(reader);
        }
    }
}
