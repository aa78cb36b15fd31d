using System.Security.Cryptography;
using System.Text;

namespace Atomiton.Storage.Encrypted;

/// <summary>
/// The AES-256-GCM state of one object: its header, its segment key (HKDF of the ring key and the
/// header's salt) and its associated data (header followed by the UTF-8 object key). Not thread-safe.
/// </summary>
internal sealed class ObjectCipher : IDisposable
{
    private readonly AesGcm _aes;
    private readonly byte[] _associatedData;
    private readonly byte[] _nonce = new byte[EncryptedFormat.NonceSize];

    private ObjectCipher(byte[] header, byte[] ringKey, string objectKey)
    {
        Header = header;
        Span<byte> segmentKey = stackalloc byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, ringKey, segmentKey, header.AsSpan(EncryptedFormat.SaltOffset, EncryptedFormat.SaltSize), EncryptedFormat.SegmentKeyInfo);
        _aes = new AesGcm(segmentKey, EncryptedFormat.TagSize);
        CryptographicOperations.ZeroMemory(segmentKey);
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

    public void EncryptSegment(long index, bool isFinal, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        EncryptedFormat.WriteNonce(_nonce, Header.AsSpan(EncryptedFormat.NoncePrefixOffset), index, isFinal);
        _aes.Encrypt(_nonce, plaintext, destination[..plaintext.Length], destination.Slice(plaintext.Length, EncryptedFormat.TagSize), _associatedData);
    }

    /// <exception cref="AuthenticationTagMismatchException">The segment is not the authentic segment <paramref name="index"/> of this object.</exception>
    public void DecryptSegment(long index, bool isFinal, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> destination)
    {
        int length = ciphertextAndTag.Length - EncryptedFormat.TagSize;
        EncryptedFormat.WriteNonce(_nonce, Header.AsSpan(EncryptedFormat.NoncePrefixOffset), index, isFinal);
        _aes.Decrypt(_nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], destination[..length], _associatedData);
    }

    public void Dispose() => _aes.Dispose();
}
