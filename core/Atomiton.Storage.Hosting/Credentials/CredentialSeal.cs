using System.Security.Cryptography;
using Atomiton.Storage.Encrypted;

namespace Atomiton.Storage.Hosting.Credentials;

/// <summary>
/// Seals one credential file as a single-segment object of the encrypted engine's format (ATSE v1,
/// AES-256-GCM, <c>docs/encryption-format.md</c>). The object key bound into the associated data is
/// the stage's entry name, so a file copied over another stage's is detected, as is any change,
/// truncation or extension.
/// </summary>
internal static class CredentialSeal
{
    /// <summary>The key id written in every credential file's header.</summary>
    public const string KeyId = "credentials";

    /// <summary>The largest plaintext a credential file holds (one segment).</summary>
    public const int MaxPlaintext = EncryptedFormat.SegmentSize;

    public static byte[] Seal(byte[] key, string entry, ReadOnlySpan<byte> plaintext)
    {
        if (plaintext.Length > MaxPlaintext)
        {
            throw new StorageException(StorageErrorCode.QuotaExceeded, $"The credentials of stage '{entry}' would take {plaintext.Length:N0} bytes; at most {MaxPlaintext:N0} are kept per stage. Store fewer or smaller credentials.");
        }

        using var cipher = ObjectCipher.ForWrite(new EncryptionKey(KeyId, key), entry);
        var sealedBytes = new byte[EncryptedFormat.CiphertextLength(plaintext.Length)];
        cipher.Header.CopyTo(sealedBytes, 0);
        cipher.EncryptSegment(0, isFinal: true, plaintext, sealedBytes.AsSpan(EncryptedFormat.HeaderSize));
        return sealedBytes;
    }

    /// <summary>Opens a sealed file; <paramref name="problem"/> says what is wrong when it returns null.</summary>
    public static byte[]? Open(byte[] key, string entry, ReadOnlySpan<byte> stored, out StorageErrorCode code, out string? problem)
    {
        code = StorageErrorCode.Integrity;
        string? keyId = EncryptedFormat.TryReadKeyId(stored, out problem);
        if (keyId is null)
        {
            return null;
        }

        var encryptionKey = new EncryptionKey(keyId, key);
        if (!stored.Slice(EncryptedFormat.KeyCheckOffset, EncryptedFormat.KeyCheckSize).SequenceEqual(encryptionKey.KeyCheck))
        {
            code = StorageErrorCode.AuthenticationFailed;
            problem = "it was encrypted under another credential key (was the key file replaced, or the file copied from another machine or user?)";
            return null;
        }

        int length = stored.Length - EncryptedFormat.HeaderSize - EncryptedFormat.TagSize;
        if (length < 0 || length > MaxPlaintext)
        {
            problem = $"it is {stored.Length:N0} bytes long, which no credential file can be (truncated or extended)";
            return null;
        }

        using var cipher = ObjectCipher.ForRead(stored[..EncryptedFormat.HeaderSize].ToArray(), encryptionKey, entry);
        var plaintext = new byte[length];
        try
        {
            cipher.DecryptSegment(0, isFinal: true, stored[EncryptedFormat.HeaderSize..], plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            problem = "its content does not authenticate (altered, truncated, extended, or copied from another stage's file)";
            return null;
        }

        return plaintext;
    }
}
