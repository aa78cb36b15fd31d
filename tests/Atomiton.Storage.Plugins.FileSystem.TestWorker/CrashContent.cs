using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Atomiton.Storage.Plugins.FileSystem.TestWorker;

/// <summary>
/// Self-checking content for the crash test: [version:8][length:8][payload][sha256 of key + all before].
/// A torn, truncated or misplaced value fails <see cref="Verify"/>.
/// </summary>
public static class CrashContent
{
    public static byte[] Create(string key, long version, int payloadLength)
    {
        var bytes = new byte[16 + payloadLength + 32];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, version);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), payloadLength);
        new Random(HashCode.Combine(key.Length, version)).NextBytes(bytes.AsSpan(16, payloadLength));
        Hash(key, bytes.AsSpan(0, 16 + payloadLength), bytes.AsSpan(16 + payloadLength));
        return bytes;
    }

    /// <summary>The version written into a complete value, or null when the value is torn or belongs to another key.</summary>
    public static long? Verify(string key, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 48)
        {
            return null;
        }

        long length = BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]);
        if (length != bytes.Length - 48)
        {
            return null;
        }

        Span<byte> expected = stackalloc byte[32];
        Hash(key, bytes[..^32], expected);
        return expected.SequenceEqual(bytes[^32..]) ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : null;
    }

    private static void Hash(string key, ReadOnlySpan<byte> content, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(key));
        hash.AppendData(content);
        hash.GetHashAndReset(destination);
    }
}
