namespace Atomiton.Storage.Encrypted;

/// <summary>
/// Where the encrypted stage gets its AES-256-GCM: one <see cref="SegmentCipher"/> per object, keyed by
/// <c>HKDF-SHA256(ikm = ring key, salt = the object's salt, info, 32 bytes)</c> as
/// <c>docs/encryption-format.md</c> specifies. Without one (the default) the stage uses .NET's
/// <see cref="System.Security.Cryptography.AesGcm"/> and <see cref="System.Security.Cryptography.HKDF"/>
/// synchronously. Browser WebAssembly has no AES-GCM in .NET, so the browser package registers one on the
/// browser's WebCrypto (a service of this type, which the <c>encrypted</c> provider takes from the pipeline's
/// services). Either produces the same bytes: the format does not depend on who sealed it.
/// </summary>
public abstract class SegmentCipherFactory
{
    /// <summary>Derives the object's segment key and returns AES-256-GCM under it (16-byte tags).</summary>
    /// <param name="ringKey">The 32-byte ring key (HKDF's input keying material).</param>
    /// <param name="salt">The object's 16-byte salt (HKDF's salt).</param>
    /// <param name="info">HKDF's info, <c>atomiton-storage segment key v1</c>.</param>
    /// <param name="cancellationToken">Cancels the derivation.</param>
    public abstract ValueTask<SegmentCipher> CreateAsync(byte[] ringKey, byte[] salt, byte[] info, CancellationToken cancellationToken);
}

/// <summary>AES-256-GCM under one object's segment key. Not thread-safe: one segment at a time.</summary>
public abstract class SegmentCipher : IAsyncDisposable
{
    /// <summary>Seals <paramref name="plaintext"/> into <paramref name="destination"/> as ciphertext followed by the 16-byte tag.</summary>
    /// <param name="nonce">The 12-byte nonce.</param>
    /// <param name="plaintext">The segment (0–65,536 bytes).</param>
    /// <param name="associatedData">Authenticated, not encrypted.</param>
    /// <param name="destination">Exactly <c>plaintext.Length + 16</c> bytes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public abstract ValueTask SealAsync(byte[] nonce, ReadOnlyMemory<byte> plaintext, byte[] associatedData, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>Authenticates and decrypts ciphertext-and-tag into <paramref name="destination"/>.</summary>
    /// <param name="nonce">The 12-byte nonce.</param>
    /// <param name="ciphertextAndTag">The sealed segment: ciphertext followed by its 16-byte tag.</param>
    /// <param name="associatedData">Authenticated, not encrypted.</param>
    /// <param name="destination">Exactly <c>ciphertextAndTag.Length - 16</c> bytes; untouched when not authentic.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when the segment is not authentic (wrong key, nonce, associated data, or altered bytes).</returns>
    public abstract ValueTask<bool> OpenAsync(byte[] nonce, ReadOnlyMemory<byte> ciphertextAndTag, byte[] associatedData, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>Forgets the segment key.</summary>
    public abstract ValueTask DisposeAsync();
}
