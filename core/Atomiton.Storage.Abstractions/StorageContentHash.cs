using System.Buffers.Binary;
using System.Runtime.InteropServices;
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

        // Byte n of the input lands at bit (n * 11) % 160 of the ring, which depends only on n % 160
        // (160 * 11 is a multiple of 160). XOR being linear, bytes with the same n % 160 are first
        // XORed together into _fold[n % 160] — eight bytes at a time over whole 160-byte periods —
        // and the fold is spread onto the ring once, when the result is asked for.
        private readonly byte[] _fold = new byte[WidthInBits];
        private long _length;
        private int _phase;

        public void Append(ReadOnlySpan<byte> data)
        {
            _length += data.Length;
            int phase = _phase;
            while (phase != 0 && !data.IsEmpty)
            {
                _fold[phase] ^= data[0];
                data = data[1..];
                phase = phase == WidthInBits - 1 ? 0 : phase + 1;
            }

            if (data.Length >= WidthInBits)
            {
                var fold = MemoryMarshal.Cast<byte, ulong>(_fold.AsSpan());
                while (data.Length >= WidthInBits)
                {
                    var period = MemoryMarshal.Cast<byte, ulong>(data[..WidthInBits]);
                    for (int i = 0; i < fold.Length; i++)
                    {
                        fold[i] ^= period[i];
                    }

                    data = data[WidthInBits..];
                }
            }

            // What is left is shorter than a period and starts at phase 0 (or is empty).
            for (int i = 0; i < data.Length; i++)
            {
                _fold[phase++] ^= data[i];
            }

            _phase = phase;
        }

        public byte[] GetHashAndReset()
        {
            // Bit position p of the ring is bit (p % 8) of byte (p / 8); the ring is little-endian,
            // so a byte XORed in at bit offset s lands on bytes s/8 and s/8+1 (wrapping at 160 bits).
            var result = new byte[WidthInBits / 8];
            for (int phase = 0; phase < WidthInBits; phase++)
            {
                int shift = phase * Shift % WidthInBits;
                int byteIndex = shift >> 3;
                int spread = _fold[phase] << (shift & 7);
                result[byteIndex] ^= (byte)spread;
                result[(byteIndex + 1) % result.Length] ^= (byte)(spread >> 8);
            }

            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, _length);
            for (int i = 0; i < 8; i++)
            {
                result[result.Length - 8 + i] ^= length[i];
            }

            Array.Clear(_fold);
            _length = 0;
            _phase = 0;
            return result;
        }
    }
}
