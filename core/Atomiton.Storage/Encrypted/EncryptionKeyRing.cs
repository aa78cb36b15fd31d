using System.Security.Cryptography;

namespace Atomiton.Storage.Encrypted;

/// <summary>
/// The 256-bit keys an encrypted engine knows, by id: one active key for new writes, any number
/// of older keys for reading objects written before a rotation. Thread-safe for reading once built.
/// Key material never appears in <see cref="ToString"/> or in any message.
/// </summary>
public sealed class EncryptionKeyRing
{
    private readonly Dictionary<string, EncryptionKey> _keys = new(StringComparer.Ordinal);

    /// <summary>Creates a ring whose active key (for new writes) will be <paramref name="activeKeyId"/>.</summary>
    /// <param name="activeKeyId">1–16 characters of letters, digits, '.', '_' or '-'.</param>
    /// <exception cref="ArgumentException">The id is not valid.</exception>
    public EncryptionKeyRing(string activeKeyId)
    {
        CheckId(activeKeyId);
        ActiveKeyId = activeKeyId;
    }

    /// <summary>The id of the key new writes use.</summary>
    public string ActiveKeyId { get; }

    /// <summary>Every key id in the ring.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>Adds a raw 256-bit key under <paramref name="keyId"/>. The ring keeps its own copy.</summary>
    /// <exception cref="ArgumentException">The id is invalid or already present, or the key is not 32 bytes.</exception>
    public EncryptionKeyRing Add(string keyId, ReadOnlySpan<byte> key)
    {
        CheckId(keyId);
        if (key.Length != 32)
        {
            throw new ArgumentException($"The key for id '{keyId}' has {key.Length} bytes; AES-256 needs exactly 32.", nameof(key));
        }

        if (!_keys.TryAdd(keyId, new EncryptionKey(keyId, key.ToArray())))
        {
            throw new ArgumentException($"Key id '{keyId}' is already in the ring; give each key a distinct id.", nameof(keyId));
        }

        return this;
    }

    /// <summary>Derives a 256-bit key from a passphrase with PBKDF2-HMAC-SHA256.</summary>
    /// <param name="passphrase">The passphrase (UTF-8).</param>
    /// <param name="salt">At least 16 random bytes, stored beside the data.</param>
    /// <param name="iterations">The PBKDF2 iteration count.</param>
    public static byte[] DeriveFromPassphrase(string passphrase, ReadOnlySpan<byte> salt, int iterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(passphrase);
        return Rfc2898DeriveBytes.Pbkdf2(passphrase, salt, iterations, HashAlgorithmName.SHA256, 32);
    }

    /// <summary>The ids only; never key material.</summary>
    public override string ToString() => $"EncryptionKeyRing(active={ActiveKeyId}, ids=[{string.Join(", ", _keys.Keys.Order(StringComparer.Ordinal))}])";

    internal EncryptionKey Active => _keys.TryGetValue(ActiveKeyId, out var key)
        ? key
        : throw new StorageException(StorageErrorCode.InvalidConfiguration, $"The active key id '{ActiveKeyId}' has no key in the ring. Configure 'key' or 'passphrase' for it.") { Provider = EncryptedEngine.TypeName };

    internal bool TryGet(string keyId, out EncryptionKey key) => _keys.TryGetValue(keyId, out key!);

    private static void CheckId(string keyId)
    {
        if (!EncryptedFormat.IsValidKeyId(keyId))
        {
            throw new ArgumentException($"Key id '{keyId}' is invalid: use 1 to {EncryptedFormat.MaxKeyIdLength} characters of letters, digits, '.', '_' or '-'.", nameof(keyId));
        }
    }
}
