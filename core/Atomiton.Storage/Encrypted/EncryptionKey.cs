using System.Security.Cryptography;

namespace Atomiton.Storage.Encrypted;

/// <summary>One 256-bit key of a ring, with the check value that tells a wrong key from a tampered object.</summary>
internal sealed class EncryptionKey
{
    public EncryptionKey(string id, byte[] material)
    {
        Id = id;
        Material = material;
        KeyCheck = HMACSHA256.HashData(material, "atomiton-storage key check v1"u8)[..EncryptedFormat.KeyCheckSize];
    }

    public string Id { get; }

    public byte[] Material { get; }

    /// <summary>The first 8 bytes of HMAC-SHA256(key, "atomiton-storage key check v1"); reveals nothing about the key.</summary>
    public byte[] KeyCheck { get; }

    public override string ToString() => $"EncryptionKey({Id})";
}
