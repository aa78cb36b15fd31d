using System.Security.Cryptography;
using Atomiton.Storage.IO;

namespace Atomiton.Storage.Host.Migration;

/// <summary>A read-only pass-through stream that computes the SHA-256 of everything read through it; the inner stream is left open.</summary>
internal sealed class HashingReadStream(Stream inner) : ObservedReadStream(inner, leaveOpen: true)
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>The hash of the bytes read so far.</summary>
    public byte[] GetHash() => _hash.GetCurrentHash();

    protected override void OnRead(ReadOnlySpan<byte> chunk) => _hash.AppendData(chunk);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
