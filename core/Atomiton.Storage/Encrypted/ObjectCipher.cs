using System.Security.Cryptography;
using System.Text;

namespace Atomiton.Storage.Encrypted;

/// <summary>
/// The AES-256-GCM state of one object: its header, its segment key (HKDF of the ring key and the
/// header's salt) and its associated data (header followed by the UTF-8 object key). The AES-GCM is .NET's
/// (synchronous) unless a <see cref="SegmentCipherFactory"/> supplies another (WebCrypto in browser
/// WebAssembly, asynchronous). Not thread-safe.
/// </summary>
internal sealed class ObjectCipher : IDisposable, IAsyncDisposable
{
    private readonly AesGcm? _aes;
    private SegmentCipher? _external;
    private readonly byte[] _associatedData;
    private readonly byte[] _nonce = new byte[EncryptedFormat.NonceSize];

    private ObjectCipher(byte[] header, byte[] ringKey, string objectKey)
        : this(header, objectKey)
    {
        Span<byte> segmentKey = stackalloc byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, ringKey, segmentKey, header.AsSpan(EncryptedFormat.SaltOffset, EncryptedFormat.SaltSize), EncryptedFormat.SegmentKeyInfo);
        _aes = new AesGcm(segmentKey, EncryptedFormat.TagSize);
        CryptographicOperations.ZeroMemory(segmentKey);
    }

    private ObjectCipher(byte[] header, string objectKey)
    {
        Header = header;
        _associatedData = new byte[EncryptedFormat.HeaderSize + Encoding.UTF8.GetByteCount(objectKey)];
        header.CopyTo(_associatedData, 0);
        Encoding.UTF8.GetBytes(objectKey, _associatedData.AsSpan(EncryptedFormat.HeaderSize));
    }

    /// <summary>The 54-byte header this object is stored with.</summary>
    public byte[] Header { get; }

    /// <summary>A cipher for a new object: random salt and nonce prefix unless <paramref name="random"/> supplies them (test vectors).</summary>
    public static ObjectCipher ForWrite(EncryptionKey key, string objectKey, Action<Span<byte>>? random = null)
    {
        random ??= RandomNumberGenerator.Fill;
        Span<byte> salt = stackalloc byte[EncryptedFormat.SaltSize];
        Span<byte> prefix = stackalloc byte[EncryptedFormat.NoncePrefixSize];
        random(salt);
        random(prefix);
        var header = new byte[EncryptedFormat.HeaderSize];
        EncryptedFormat.WriteHeader(header, key.Id, key.KeyCheck, salt, prefix);
        return new ObjectCipher(header, key.Material, objectKey);
    }

    /// <summary>A cipher for a stored object whose header has been checked against <paramref name="key"/>.</summary>
    public static ObjectCipher ForRead(byte[] header, EncryptionKey key, string objectKey) => new(header, key.Material, objectKey);

    /// <summary>Like <see cref="ForWrite"/>, with <paramref name="factory"/>'s AES-GCM when not null.</summary>
    public static ValueTask<ObjectCipher> ForWriteAsync(EncryptionKey key, string objectKey, SegmentCipherFactory? factory, CancellationToken cancellationToken)
    {
        if (factory is null)
        {
            return ValueTask.FromResult(ForWrite(key, objectKey));
        }

        Span<byte> salt = stackalloc byte[EncryptedFormat.SaltSize];
        Span<byte> prefix = stackalloc byte[EncryptedFormat.NoncePrefixSize];
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(prefix);
        var header = new byte[EncryptedFormat.HeaderSize];
        EncryptedFormat.WriteHeader(header, key.Id, key.KeyCheck, salt, prefix);
        return WithExternalAsync(header, key, objectKey, factory, cancellationToken);
    }

    /// <summary>Like <see cref="ForRead"/>, with <paramref name="factory"/>'s AES-GCM when not null.</summary>
    public static ValueTask<ObjectCipher> ForReadAsync(byte[] header, EncryptionKey key, string objectKey, SegmentCipherFactory? factory, CancellationToken cancellationToken) =>
        factory is null ? ValueTask.FromResult(ForRead(header, key, objectKey)) : WithExternalAsync(header, key, objectKey, factory, cancellationToken);

    /// <summary>Seals segment <paramref name="index"/> into <paramref name="destination"/> (ciphertext, then tag); synchronous with .NET's AES-GCM.</summary>
    public ValueTask EncryptSegmentAsync(long index, bool isFinal, ReadOnlyMemory<byte> plaintext, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_external is null)
        {
            EncryptSegment(index, isFinal, plaintext.Span, destination.Span);
            return ValueTask.CompletedTask;
        }

        return _external.SealAsync(NonceOf(index, isFinal), plaintext, _associatedData, destination[..(plaintext.Length + EncryptedFormat.TagSize)], cancellationToken);
    }

    /// <exception cref="AuthenticationTagMismatchException">The segment is not the authentic segment <paramref name="index"/> of this object.</exception>
    public ValueTask DecryptSegmentAsync(long index, bool isFinal, ReadOnlyMemory<byte> ciphertextAndTag, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_external is null)
        {
            DecryptSegment(index, isFinal, ciphertextAndTag.Span, destination.Span);
            return ValueTask.CompletedTask;
        }

        return OpenExternalAsync(_external, NonceOf(index, isFinal), ciphertextAndTag, destination[..(ciphertextAndTag.Length - EncryptedFormat.TagSize)], cancellationToken);
    }

    public void EncryptSegment(long index, bool isFinal, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        var aes = SynchronousAes();
        EncryptedFormat.WriteNonce(_nonce, Header.AsSpan(EncryptedFormat.NoncePrefixOffset), index, isFinal);
        aes.Encrypt(_nonce, plaintext, destination[..plaintext.Length], destination.Slice(plaintext.Length, EncryptedFormat.TagSize), _associatedData);
    }

    /// <exception cref="AuthenticationTagMismatchException">The segment is not the authentic segment <paramref name="index"/> of this object.</exception>
    public void DecryptSegment(long index, bool isFinal, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination)
    {
        var aes = SynchronousAes();
        int length = ciphertextAndTag.Length - EncryptedFormat.TagSize;
        EncryptedFormat.WriteNonce(_nonce, Header.AsSpan(EncryptedFormat.NoncePrefixOffset), index, isFinal);
        aes.Decrypt(_nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], destination[..length], _associatedData);
    }

    /// <summary>Releases the key; an external cipher is released without waiting (use <see cref="DisposeAsync"/> where possible).</summary>
    public void Dispose()
    {
        _aes?.Dispose();
        if (Interlocked.Exchange(ref _external, null) is { } external)
        {
            var pending = external.DisposeAsync();
            if (!pending.IsCompleted)
            {
                // Nothing to wait for on this path (it may run on the browser's one thread): let it finish, and observe its failure.
                _ = pending.AsTask().ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _aes?.Dispose();
        if (Interlocked.Exchange(ref _external, null) is { } external)
        {
            await external.DisposeAsync();
        }
    }

    private static async ValueTask<ObjectCipher> WithExternalAsync(byte[] header, EncryptionKey key, string objectKey, SegmentCipherFactory factory, CancellationToken cancellationToken)
    {
        var cipher = new ObjectCipher(header, objectKey);
        cipher._external = await factory.CreateAsync(key.Material, header[EncryptedFormat.SaltOffset..(EncryptedFormat.SaltOffset + EncryptedFormat.SaltSize)], EncryptedFormat.SegmentKeyInfo.ToArray(), cancellationToken);
        return cipher;
    }

    private async ValueTask OpenExternalAsync(SegmentCipher external, byte[] nonce, ReadOnlyMemory<byte> ciphertextAndTag, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (!await external.OpenAsync(nonce, ciphertextAndTag, _associatedData, destination, cancellationToken))
        {
            throw new AuthenticationTagMismatchException();
        }
    }

    /// <summary>A fresh nonce per call: an asynchronous cipher may still hold the previous one.</summary>
    private byte[] NonceOf(long index, bool isFinal)
    {
        var nonce = new byte[EncryptedFormat.NonceSize];
        EncryptedFormat.WriteNonce(nonce, Header.AsSpan(EncryptedFormat.NoncePrefixOffset), index, isFinal);
        return nonce;
    }

    private AesGcm SynchronousAes() => _aes
        ?? throw new InvalidOperationException("This object's cipher is asynchronous (a SegmentCipherFactory's); use EncryptSegmentAsync / DecryptSegmentAsync.");
}
