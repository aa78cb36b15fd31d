using System.Runtime.InteropServices;
using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Plugins.Browser.Interop;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser.Encrypted;

/// <summary>
/// The <c>encrypted</c> stage's AES-256-GCM on the browser's WebCrypto (<c>crypto.subtle</c>), for browser
/// WebAssembly, where .NET has no AES-GCM: each object's segment key is derived with WebCrypto's HKDF-SHA256
/// and stays inside WebCrypto (not extractable); each 64 KiB segment is sealed or opened in one call, so memory
/// stays bounded by a segment whatever the object's size. Same format, same bytes as .NET's implementation
/// (<c>docs/encryption-format.md</c>). <c>AddAtomitonBrowserStorage</c> registers it in WebAssembly apps;
/// Blazor Server apps keep .NET's, which runs on the server (a segment would not fit a circuit's 32 KB
/// browser-to-server message). WebCrypto needs a secure context (https, or http on localhost).
/// </summary>
public sealed class WebCryptoSegmentCipherFactory : SegmentCipherFactory, IAsyncDisposable
{
    private readonly BrowserModule _module;

    /// <summary>Uses <paramref name="runtime"/>'s page.</summary>
    public WebCryptoSegmentCipherFactory(IJSRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        _module = new BrowserModule(runtime, EncryptedEngine.TypeName);
    }

    /// <inheritdoc />
    public override async ValueTask<SegmentCipher> CreateAsync(byte[] ringKey, byte[] salt, byte[] info, CancellationToken cancellationToken)
    {
        int id = await _module.CallAsync<int>("aeadDeriveKey", "derive key", null, cancellationToken, ringKey, salt, info);
        return new WebCryptoSegmentCipher(_module, id);
    }

    /// <summary>Releases the JavaScript module reference (segment keys are released by their ciphers).</summary>
    public ValueTask DisposeAsync() => _module.DisposeAsync();

    private sealed class WebCryptoSegmentCipher(BrowserModule module, int id) : SegmentCipher
    {
        private bool _disposed;

        public override async ValueTask SealAsync(byte[] nonce, ReadOnlyMemory<byte> plaintext, byte[] associatedData, Memory<byte> destination, CancellationToken cancellationToken)
        {
            var (array, offset, count) = Whole(plaintext);
            var sealedSegment = await module.CallAsync<byte[]>("aeadSeal", "seal", null, cancellationToken, id, nonce, associatedData, array, offset, count);
            if (sealedSegment.Length != destination.Length)
            {
                throw new StorageException(StorageErrorCode.Unknown, $"WebCrypto sealed {count} bytes into {sealedSegment.Length} bytes; AES-GCM with 16-byte tags gives {destination.Length}.")
                { Provider = EncryptedEngine.TypeName, Operation = "seal" };
            }

            sealedSegment.CopyTo(destination);
        }

        public override async ValueTask<bool> OpenAsync(byte[] nonce, ReadOnlyMemory<byte> ciphertextAndTag, byte[] associatedData, Memory<byte> destination, CancellationToken cancellationToken)
        {
            var (array, offset, count) = Whole(ciphertextAndTag);
            var plain = await module.CallAsync<byte[]?>("aeadOpen", "open", null, cancellationToken, id, nonce, associatedData, array, offset, count);
            if (plain is null || plain.Length != destination.Length)
            {
                return false;
            }

            plain.CopyTo(destination);
            return true;
        }

        public override async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                await module.CallAsync<bool>("aeadRelease", "release key", null, CancellationToken.None, id);
            }
            catch (StorageException e) when (e.Code is StorageErrorCode.NetworkError or StorageErrorCode.Timeout)
            {
                // The page is gone, and the key with it.
            }
        }

        /// <summary>The array behind <paramref name="memory"/> (interop moves byte[] as binary), with the part that is meant.</summary>
        private static (byte[] Array, int Offset, int Count) Whole(ReadOnlyMemory<byte> memory) =>
            MemoryMarshal.TryGetArray(memory, out var segment) && segment.Array is { } array
                ? (array, segment.Offset, segment.Count)
                : (memory.ToArray(), 0, memory.Length);
    }
}
