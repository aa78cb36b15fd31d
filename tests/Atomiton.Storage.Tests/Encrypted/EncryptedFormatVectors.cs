using System.Security.Cryptography;
using Atomiton.Storage.Encrypted;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>Builds the stored form of the test vectors in docs/encryption-format.md from their fixed inputs.</summary>
internal static class EncryptedFormatVectors
{
    public static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    /// <summary>Salt = 16 bytes 0xA0..0xAF; nonce prefix = 7 bytes 0xB0..0xB6.</summary>
    public static void FixedRandom(Span<byte> destination)
    {
        byte start = destination.Length == EncryptedFormat.SaltSize ? (byte)0xA0 : (byte)0xB0;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)(start + i);
        }
    }

    public static byte[] Seal(string keyId, string objectKey, byte[] plaintext)
    {
        var cipher = ObjectCipher.ForWrite(new EncryptionKey(keyId, Key), objectKey, FixedRandom);
        using var sealedStream = new EncryptingStream(new MemoryStream(plaintext), cipher, plaintext.Length, objectKey);
        using var output = new MemoryStream();
        sealedStream.CopyTo(output);
        return output.ToArray();
    }

    public static byte[] Counting(int length) => Enumerable.Range(0, length).Select(i => (byte)(i % 251)).ToArray();

    public static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
