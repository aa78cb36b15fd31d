using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Atomiton.Storage.Memory;

/// <summary>
/// A memory change cursor: the engine instance's epoch, the sequence of the last change the reader
/// has, and the prefix it reads. Written as <c>m1.</c> and base64url of <c>epoch.sequence.prefix</c>:
/// opaque to callers, printable, and safe in a URL or a file.
/// </summary>
internal readonly record struct MemoryChangeCursor(string Epoch, long Sequence, string Prefix)
{
    private const string Marker = "m1.";

    public override string ToString() =>
        Marker + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Epoch}.{Sequence}.{Prefix}")));

    /// <summary>Reads a cursor this engine type wrote; false for anything malformed, truncated or foreign.</summary>
    public static bool TryParse(string text, out MemoryChangeCursor cursor)
    {
        cursor = default;
        if (!text.StartsWith(Marker, StringComparison.Ordinal))
        {
            return false;
        }

        var encoded = text.AsSpan(Marker.Length);
        if (!Base64Url.IsValid(encoded))
        {
            return false;
        }

        var bytes = new byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        if (!Base64Url.TryDecodeFromChars(encoded, bytes, out int written))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        int first = decoded.IndexOf('.', StringComparison.Ordinal);
        int second = first < 0 ? -1 : decoded.IndexOf('.', first + 1);
        if (first != 32 || second < 0
            || !Guid.TryParseExact(decoded.AsSpan(0, first), "N", out _)
            || !long.TryParse(decoded.AsSpan(first + 1, second - first - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long sequence))
        {
            return false;
        }

        string prefix = decoded[(second + 1)..];
        try
        {
            StorageKey.ValidatePrefix(prefix);
        }
        catch (StorageException)
        {
            return false;
        }

        cursor = new MemoryChangeCursor(decoded[..first], sequence, prefix);
        return true;
    }
}
