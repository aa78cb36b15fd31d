using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Atomiton.Storage;

/// <summary>
/// Computes one content hash of <see cref="StorageHashAlgorithms"/> incrementally, formatted as
/// <see cref="StorageItem.Hashes"/> holds it. Engines use it to hash content as it streams past
/// (no second read); callers use it to check what an engine reports. Not thread-safe.
/// </summary>
public sealed class StorageContentHash : IDisposable
{
    private readonly IncrementalHash? _hash;
    private readonly DropboxContentHasher? _dropbox;
    private readonly QuickXorHasher? _quickXor;

    private StorageContentHash(string algorithm)
    {
        Algorithm = algorithm;
        switch (algorithm)
        {
            case StorageHashAlgorithms.Sha256: _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256); break;
            case StorageHashAlgorithms.Sha1: _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1); break;
#pragma warning disable CA5351 // MD5 is a content fingerprint some backends report (Drive, Azure), not a security measure.
            case StorageHashAlgorithms.Md5: _hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5); break;
#pragma warning restore CA5351
            case StorageHashAlgorithms.Dropbox: _dropbox = new DropboxContentHasher(); break;
            case StorageHashAlgorithms.QuickXor: _quickXor = new QuickXorHasher(); break;
            default:
                throw new ArgumentException($"Unknown hash algorithm '{algorithm}'. Use one of: {string.Join(", ", StorageHashAlgorithms.All)}.", nameof(algorithm));
        }
    }

    /// <summary>The algorithm's name (one of <see cref="StorageHashAlgorithms"/>).</summary>
    public string Algorithm { get; }

    /// <summary>Starts a hash.</summary>
    /// <exception cref="ArgumentException"><paramref name="algorithm"/> is not one of <see cref="StorageHashAlgorithms.All"/>.</exception>
    public static StorageContentHash Create(string algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        return new StorageContentHash(algorithm);
    }

    /// <summary>The hash of <paramref name="content"/>, formatted as <see cref="StorageItem.Hashes"/> holds it.</summary>
    public static string Compute(string algorithm, ReadOnlySpan<byte> content)
    {
        using var hash = Create(algorithm);
        hash.Append(content);
        return hash.GetResult();
    }

    /// <summary>Whether two formatted values of one algorithm are equal (hexadecimal ignoring case; base64 exactly).</summary>
    public static bool ValuesEqual(string algorithm, string? left, string? right) =>
        left is not null && right is not null
        && string.Equals(left, right, algorithm == StorageHashAlgorithms.QuickXor ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds content.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (_hash is not null)
        {
            _hash.AppendData(data);
        }
        else if (_dropbox is not null)
        {
            _dropbox.Append(data);
        }
        else
        {
            _quickXor!.Append(data);
        }
    }

    /// <summary>The hash of everything appended, formatted; the hash then starts again from nothing.</summary>
    public string GetResult()
    {
        if (_hash is not null)
        {
            return Convert.ToHexStringLower(_hash.GetHashAndReset());
        }

        return _dropbox is not null ? Convert.ToHexStringLower(_dropbox.GetHashAndReset()) : Convert.ToBase64String(_quickXor!.GetHashAndReset());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _hash?.Dispose();
        _dropbox?.Dispose();
    }

    /// <summary>Dropbox's content hash: SHA-256 over the SHA-256 digests of consecutive 4 MiB blocks.</summary>
    private sealed class DropboxContentHasher : IDisposable
    {
        private const int BlockSize = 4 * 1024 * 1024;
        private readonly IncrementalHash _block = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly IncrementalHash _overall = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private int _inBlock;

        public void Append(ReadOnlySpan<byte> data)
        {
            while (!data.IsEmpty)
            {
                int take = Math.Min(BlockSize - _inBlock, data.Length);
                _block.AppendData(data[..take]);
                _inBlock += take;
                data = data[take..];
                if (_inBlock == BlockSize)
                {
                    FinishBlock();
                }
            }
        }

        public byte[] GetHashAndReset()
        {
            if (_inBlock > 0)
            {
                FinishBlock();
            }

            return _overall.GetHashAndReset();
        }

        public void Dispose()
        {
            _block.Dispose();
            _overall.Dispose();
        }

        private void FinishBlock()
        {
            Span<byte> digest = stackalloc byte[32];
            _block.GetHashAndReset(digest);
            _overall.AppendData(digest);
            _inBlock = 0;
        }
    }

    /// <summary>
    /// Microsoft's QuickXorHash: each byte is XORed into a 160-bit ring at a position that advances
    /// 11 bits per byte; the content length (64-bit little-endian) is XORed into the last 8 bytes.
    /// </summary>
    private sealed class QuickXorHasher
    {
        private const int WidthInBits = 160;
        private const int Shift = 11;
        private readonly byte[] _ring = new byte[WidthInBits / 8];
        private long _length;
        private int _shift;

        public void Append(ReadOnlySpan<byte> data)
        {
            // Bit position p of the ring is bit (p % 8) of byte (p / 8); the ring is little-endian,
            // so a byte XORed in at bit offset s lands on bytes s/8 and s/8+1 (wrapping at 160 bits).
            foreach (byte value in data)
            {
                int byteIndex = _shift >> 3;
                int bitOffset = _shift & 7;
                int spread = value << bitOffset;
                _ring[byteIndex] ^= (byte)spread;
                if (bitOffset != 0)
                {
                    _ring[(byteIndex + 1) % _ring.Length] ^= (byte)(spread >> 8);
                }

                _shift = (_shift + Shift) % WidthInBits;
            }

            _length += data.Length;
        }

        public byte[] GetHashAndReset()
        {
            var result = (byte[])_ring.Clone();
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, _length);
            for (int i = 0; i < 8; i++)
            {
                result[result.Length - 8 + i] ^= length[i];
            }

            Array.Clear(_ring);
            _length = 0;
            _shift = 0;
            return result;
        }
    }
}
