using System.Buffers.Binary;
using System.Text;

namespace Atomiton.Storage.Encrypted;

/// <summary>
/// The layout of format version 1 (see <c>docs/encryption-format.md</c>): a 54-byte header, then
/// 64 KiB plaintext segments, each followed by its 16-byte GCM tag. Pure arithmetic and parsing.
/// </summary>
internal static class EncryptedFormat
{
    public const byte Version = 1;
    public const int SegmentSizeLog2 = 16;
    public const int SegmentSize = 1 << SegmentSizeLog2;
    public const int TagSize = 16;
    public const int EncryptedSegmentSize = SegmentSize + TagSize;
    public const int MaxKeyIdLength = 16;
    public const int KeyCheckSize = 8;
    public const int SaltSize = 16;
    public const int NoncePrefixSize = 7;
    public const int NonceSize = 12;

    public const int MagicOffset = 0;
    public const int VersionOffset = 4;
    public const int SegmentSizeOffset = 5;
    public const int KeyIdLengthOffset = 6;
    public const int KeyIdOffset = 7;
    public const int KeyCheckOffset = KeyIdOffset + MaxKeyIdLength;
    public const int SaltOffset = KeyCheckOffset + KeyCheckSize;
    public const int NoncePrefixOffset = SaltOffset + SaltSize;
    public const int HeaderSize = NoncePrefixOffset + NoncePrefixSize;

    public static ReadOnlySpan<byte> Magic => "ATSE"u8;

    public static ReadOnlySpan<byte> SegmentKeyInfo => "atomiton-storage segment key v1"u8;

    /// <summary>How many segments an object of <paramref name="plaintextLength"/> bytes has (at least one).</summary>
    public static long SegmentCount(long plaintextLength) => Math.Max(1, (plaintextLength + SegmentSize - 1) / SegmentSize);

    /// <summary>The stored size of an object of <paramref name="plaintextLength"/> bytes.</summary>
    public static long CiphertextLength(long plaintextLength) => HeaderSize + plaintextLength + (TagSize * SegmentCount(plaintextLength));

    /// <summary>The plaintext size of a stored object, or -1 when no valid object has that size.</summary>
    public static long PlaintextLength(long ciphertextLength)
    {
        long body = ciphertextLength - HeaderSize;
        if (body < TagSize)
        {
            return -1;
        }

        long segments = (body + EncryptedSegmentSize - 1) / EncryptedSegmentSize;
        long plaintext = body - (segments * TagSize);
        return SegmentCount(plaintext) == segments && plaintext >= 0 ? plaintext : -1;
    }

    /// <summary>The plaintext length of segment <paramref name="index"/> of an object of <paramref name="plaintextLength"/> bytes.</summary>
    public static int SegmentPlaintextLength(long index, long plaintextLength) =>
        (int)Math.Min(SegmentSize, plaintextLength - (index * SegmentSize));

    /// <summary>Where segment <paramref name="index"/> starts in the stored object.</summary>
    public static long SegmentOffset(long index) => HeaderSize + (index * EncryptedSegmentSize);

    /// <summary>Writes a header.</summary>
    public static void WriteHeader(Span<byte> header, string keyId, ReadOnlySpan<byte> keyCheck, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> noncePrefix)
    {
        header[..HeaderSize].Clear();
        Magic.CopyTo(header);
        header[VersionOffset] = Version;
        header[SegmentSizeOffset] = SegmentSizeLog2;
        int idLength = Encoding.ASCII.GetBytes(keyId, header.Slice(KeyIdOffset, MaxKeyIdLength));
        header[KeyIdLengthOffset] = (byte)idLength;
        keyCheck[..KeyCheckSize].CopyTo(header[KeyCheckOffset..]);
        salt[..SaltSize].CopyTo(header[SaltOffset..]);
        noncePrefix[..NoncePrefixSize].CopyTo(header[NoncePrefixOffset..]);
    }

    /// <summary>Checks magic, version, segment size and key-id field; returns the key id or a problem.</summary>
    public static string? TryReadKeyId(ReadOnlySpan<byte> header, out string? problem)
    {
        problem = null;
        if (header.Length < HeaderSize || !header[..4].SequenceEqual(Magic))
        {
            problem = "it does not start with the encrypted-object header (was it written by another engine, or altered?)";
            return null;
        }

        if (header[VersionOffset] != Version || header[SegmentSizeOffset] != SegmentSizeLog2)
        {
            problem = $"its header declares format version {header[VersionOffset]} / segment size 2^{header[SegmentSizeOffset]}, but only version {Version} with 2^{SegmentSizeLog2}-byte segments is known";
            return null;
        }

        int idLength = header[KeyIdLengthOffset];
        var idField = header.Slice(KeyIdOffset, MaxKeyIdLength);
        if (idLength is < 1 or > MaxKeyIdLength || idField[idLength..].ContainsAnyExcept((byte)0) || !IsKeyIdBytes(idField[..idLength]))
        {
            problem = "its header's key-id field is malformed";
            return null;
        }

        return Encoding.ASCII.GetString(idField[..idLength]);
    }

    /// <summary>Builds the nonce of segment <paramref name="index"/>: prefix, big-endian counter, final flag.</summary>
    public static void WriteNonce(Span<byte> nonce, ReadOnlySpan<byte> noncePrefix, long index, bool isFinal)
    {
        noncePrefix[..NoncePrefixSize].CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[NoncePrefixSize..], checked((uint)index));
        nonce[NonceSize - 1] = isFinal ? (byte)1 : (byte)0;
    }

    /// <summary>Whether a key id is 1–16 characters of [A-Za-z0-9._-].</summary>
    public static bool IsValidKeyId(string? keyId) =>
        keyId is { Length: >= 1 and <= MaxKeyIdLength } && keyId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static bool IsKeyIdBytes(ReadOnlySpan<byte> id)
    {
        foreach (byte b in id)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'_' or (byte)'-'))
            {
                return false;
            }
        }

        return true;
    }
}
