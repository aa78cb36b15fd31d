using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Atomiton.Storage.Encrypted;

/// <summary>
/// Deterministic encryption of key names, one <c>/</c>-separated segment at a time (an SIV
/// construction: HMAC-SHA256 of the plaintext parent path and the segment gives a 16-byte
/// synthetic IV, which is also the AES-256-CTR counter), so equal names always encrypt alike,
/// lookups work, and a listing of a prefix made of whole segments is a listing of the encrypted
/// prefix. Each encrypted segment is base64url: 22 + 4/3 × (segment bytes) characters, so a plaintext
/// segment may have at most 175 UTF-8 bytes. The backend sees neither names nor their lengths
/// beyond that. Thread-safe. See <c>docs/encryption-format.md</c>.
/// </summary>
public sealed class KeyNameCipher : IDisposable
{
    private const int IvSize = 16;
    private readonly byte[] _macKey;
    private readonly Aes _aes;
    private readonly Lock _aesGate = new();

    /// <summary>Creates a name cipher from a 256-bit key (names get their own subkeys through HKDF).</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public KeyNameCipher(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException($"A key-name key needs 32 bytes, not {key.Length}.", nameof(key));
        }

        Span<byte> keys = stackalloc byte[64];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key, keys, [], "atomiton-storage key names v1"u8);
        _macKey = keys[..32].ToArray();
        _aes = Aes.Create();
        _aes.Key = keys[32..].ToArray();
        CryptographicOperations.ZeroMemory(keys);
    }

    /// <summary>The encrypted form of a whole key.</summary>
    /// <exception cref="StorageException">UnrepresentableKey when the encrypted form would break the key grammar (a segment over 175 bytes).</exception>
    public string EncryptKey(string key)
    {
        var builder = new StringBuilder(key.Length * 2);
        int start = 0;
        while (true)
        {
            int slash = key.IndexOf('/', start);
            int end = slash < 0 ? key.Length : slash;
            builder.Append(EncryptSegment(key.AsSpan(0, start), key.AsSpan(start, end - start)));
            if (slash < 0)
            {
                break;
            }

            builder.Append('/');
            start = slash + 1;
        }

        string encrypted = builder.ToString();
        if (!StorageKey.IsValid(encrypted, out var problem))
        {
            throw StorageException.Unrepresentable(key, $"{problem} once encrypted; keep each segment under 176 UTF-8 bytes", EncryptedEngine.TypeName);
        }

        return encrypted;
    }

    /// <summary>The plaintext of an encrypted key.</summary>
    /// <exception cref="StorageException">Integrity when a segment is not an authentic encrypted name.</exception>
    public string DecryptKey(string encrypted)
    {
        var builder = new StringBuilder(encrypted.Length);
        foreach (var segment in encrypted.Split('/'))
        {
            builder.Append(DecryptSegment(builder.ToString(), segment, encrypted));
            builder.Append('/');
        }

        return builder.ToString(0, builder.Length - 1);
    }

    /// <summary>
    /// The encrypted prefix to list for a plaintext prefix: its whole segments encrypted. The
    /// partial last segment (after the last <c>/</c>) cannot be encrypted on its own; listings
    /// filter the decrypted names by the full plaintext prefix instead.
    /// </summary>
    public (string InnerPrefix, string PlainFilter) EncryptPrefix(string prefix)
    {
        int lastSlash = prefix.LastIndexOf('/');
        return lastSlash < 0 ? (string.Empty, prefix) : (EncryptKey(prefix[..lastSlash]) + "/", prefix);
    }

    /// <summary>The plaintext of an encrypted common prefix (ending with <c>/</c>).</summary>
    public string DecryptPrefix(string encryptedPrefix) => DecryptKey(encryptedPrefix[..^1]) + "/";

    /// <summary>How many base64url characters a plaintext segment of <paramref name="plainBytes"/> UTF-8 bytes becomes (22 + 4n/3).</summary>
    internal static int EncryptedSegmentLength(int plainBytes) => (((IvSize + plainBytes) * 4) + 2) / 3;

    /// <summary>The longest plaintext segment whose encrypted form has at most <paramref name="storedBytes"/> characters.</summary>
    internal static int MaxPlainSegmentBytes(int storedBytes) => Math.Max(0, (storedBytes * 3 / 4) - IvSize);

    /// <summary>Releases the AES instance; later calls fail.</summary>
    public void Dispose()
    {
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_macKey);
    }

    /// <inheritdoc />
    public override string ToString() => "KeyNameCipher(SIV HMAC-SHA256 + AES-256-CTR)";

    private string EncryptSegment(ReadOnlySpan<char> parent, ReadOnlySpan<char> segment)
    {
        byte[] plain = Encoding.UTF8.GetBytes(segment.ToArray());
        var output = new byte[IvSize + plain.Length];
        var iv = output.AsSpan(0, IvSize);
        SyntheticIv(Encoding.UTF8.GetBytes(parent.ToArray()), plain, iv);
        Ctr(iv, plain, output.AsSpan(IvSize));
        return Base64Url.EncodeToString(output);
    }

    private string DecryptSegment(string plainParent, string segment, string wholeKey)
    {
        byte[] data;
        try
        {
            data = Base64Url.DecodeFromChars(segment);
        }
        catch (FormatException e)
        {
            throw BadName(wholeKey, e);
        }

        if (data.Length < IvSize)
        {
            throw BadName(wholeKey);
        }

        var plain = new byte[data.Length - IvSize];
        Ctr(data.AsSpan(0, IvSize), data.AsSpan(IvSize), plain);
        Span<byte> expected = stackalloc byte[IvSize];
        SyntheticIv(Encoding.UTF8.GetBytes(plainParent), plain, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, data.AsSpan(0, IvSize)))
        {
            throw BadName(wholeKey);
        }

        return Encoding.UTF8.GetString(plain);
    }

    private void SyntheticIv(ReadOnlySpan<byte> parent, ReadOnlySpan<byte> plain, Span<byte> iv)
    {
        var input = new byte[4 + parent.Length + plain.Length];
        BinaryPrimitives.WriteInt32BigEndian(input, parent.Length);
        parent.CopyTo(input.AsSpan(4));
        plain.CopyTo(input.AsSpan(4 + parent.Length));
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_macKey, input, mac);
        mac[..IvSize].CopyTo(iv);
    }

    private void Ctr(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        int blocks = (input.Length + 15) / 16;
        var counters = new byte[blocks * 16];
        Span<byte> counter = stackalloc byte[16];
        iv.CopyTo(counter);
        counter[8] &= 0x7f; // as RFC 5297: clear two bits so the counter never carries into the IV's upper half
        counter[12] &= 0x7f;
        ulong low = BinaryPrimitives.ReadUInt64BigEndian(counter[8..]);
        for (int i = 0; i < blocks; i++)
        {
            counter.CopyTo(counters.AsSpan(i * 16));
            BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan((i * 16) + 8), low + (ulong)i);
        }

        byte[] stream;
        lock (_aesGate)
        {
            stream = _aes.EncryptEcb(counters, PaddingMode.None);
        }

        for (int i = 0; i < input.Length; i++)
        {
            output[i] = (byte)(input[i] ^ stream[i]);
        }
    }

    private static StorageException BadName(string encrypted, Exception? cause = null) =>
        new(StorageErrorCode.Integrity, $"The stored name '{encrypted}' is not an authentic encrypted key name (altered in the backend, or written with another name key).", cause)
        { Key = encrypted, Provider = EncryptedEngine.TypeName };
}
