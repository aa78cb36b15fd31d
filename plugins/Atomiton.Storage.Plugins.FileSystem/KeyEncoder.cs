using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Atomiton.Storage.Plugins.FileSystem;

/// <summary>
/// Maps one key segment to a file or directory name that every common filesystem stores exactly,
/// and back (see <c>docs/filesystem-format.md</c>). Names contain only lowercase ASCII letters,
/// digits, a few portable punctuation characters and <c>%hh</c> escapes (lowercase hex of UTF-8
/// bytes), so two keys that differ in case or Unicode normalisation never fold together. Every
/// name that starts with <see cref="InternalPrefix"/> belongs to the engine, never to a key.
/// </summary>
internal static class KeyEncoder
{
    /// <summary>Names of the engine's own files and folders start with this; no encoded segment does.</summary>
    public const string InternalPrefix = "%_";

    /// <summary>Appended to the encoded name of a directory, so an object <c>a</c> and a folder <c>a/</c> can coexist.</summary>
    public const string DirectorySuffix = "%2f";

    /// <summary>Separates the readable start of a long name from the hash of the whole segment.</summary>
    public const string LongNameMarker = "%~";

    /// <summary>Longest encoded name (before <see cref="DirectorySuffix"/>) kept verbatim; longer ones are shortened.</summary>
    public const int MaxVerbatimLength = 240;

    private const int LongNameKeptLength = 200;
    private const string HexDigits = "0123456789abcdef";
    private const int LongNameHashBytes = 16;

    // Portable on Linux, macOS and Windows, never case-folded, never special to the engine.
    // Excluded on purpose: uppercase letters (case folding), '%' (escape), '~' (Windows 8.3 aliases),
    // < > : " / \ | ? * (Windows), and every non-ASCII character (case folding and normalisation).
    private static readonly SearchValues<byte> Verbatim = SearchValues.Create(
        "abcdefghijklmnopqrstuvwxyz0123456789 !#$&'()+,-.;=@[]^_`{}"u8);

    private static readonly SearchValues<char> VerbatimChars = SearchValues.Create(
        "abcdefghijklmnopqrstuvwxyz0123456789 !#$&'()+,-.;=@[]^_`{}");

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private static readonly string[] ReservedWindowsNames =
    [
        "con", "prn", "aux", "nul", "conin$", "conout$", "clock$",
        "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];

    /// <summary>The name of the file that stores the object whose last segment is <paramref name="segment"/>.</summary>
    public static string FileName(string segment) => Encode(segment, out _);

    /// <summary>The name of the directory that holds keys continuing after <paramref name="segment"/><c>/</c>.</summary>
    public static string DirectoryName(string segment) => Encode(segment, out _) + DirectorySuffix;

    /// <summary>Whether <paramref name="name"/> is a shortened long name, whose full segment is stored elsewhere.</summary>
    public static bool IsLongName(string name) => name.Contains(LongNameMarker, StringComparison.Ordinal);

    /// <summary>
    /// Encodes a segment; <paramref name="isLong"/> tells whether it was shortened (too long for one
    /// file name), in which case the full segment must be recorded beside it.
    /// </summary>
    public static string Encode(string segment, out bool isLong)
    {
        isLong = false;
        if (IsVerbatim(segment))
        {
            return segment; // most segments: no byte needs escaping, the name is the segment itself
        }

        int byteCount = Encoding.UTF8.GetByteCount(segment);
        Span<byte> utf8 = byteCount <= 1024 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(segment, utf8);

        var builder = new StringBuilder(byteCount + 8);
        for (int i = 0; i < utf8.Length; i++)
        {
            byte b = utf8[i];
            bool last = i == utf8.Length - 1;
            bool escape = !Verbatim.Contains(b) || (last && b is (byte)'.' or (byte)' ');
            if (escape)
            {
                AppendEscape(builder, b);
            }
            else
            {
                builder.Append((char)b);
            }
        }

        string encoded = builder.ToString();
        if (IsReservedOnWindows(encoded))
        {
            encoded = Escape((byte)encoded[0]) + encoded[1..];
        }

        isLong = encoded.Length > MaxVerbatimLength;
        return isLong ? Shorten(encoded, utf8) : encoded;
    }

    /// <summary>
    /// Whether <paramref name="name"/> is its own encoding: short enough, only verbatim characters,
    /// no trailing dot or space, not a Windows device name. Such a name decodes to itself.
    /// </summary>
    public static bool IsVerbatim(ReadOnlySpan<char> name) =>
        name.Length is > 0 and <= MaxVerbatimLength
        && !name.ContainsAnyExcept(VerbatimChars)
        && name[^1] is not ('.' or ' ')
        && !IsReservedOnWindows(name);

    /// <summary>
    /// Decodes a verbatim (not shortened) name back to its segment; null when the name is not one
    /// this encoder produces (an internal name, a foreign file, a long name, a non-canonical escape).
    /// </summary>
    public static string? TryDecode(string name)
    {
        if (IsVerbatim(name))
        {
            return name;
        }

        if (name.Length == 0 || name.Length > MaxVerbatimLength || IsLongName(name) || name.StartsWith(InternalPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var bytes = new byte[name.Length];
        int count = 0;
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (c == '%')
            {
                if (i + 2 >= name.Length)
                {
                    return null;
                }

                int high = HexValue(name[i + 1]);
                int low = HexValue(name[i + 2]);
                if (high < 0 || low < 0)
                {
                    return null;
                }

                bytes[count++] = (byte)((high << 4) | low);
                i += 2;
            }
            else if (c < 0x80 && Verbatim.Contains((byte)c))
            {
                bytes[count++] = (byte)c;
            }
            else
            {
                return null;
            }
        }

        string segment;
        try
        {
            segment = StrictUtf8.GetString(bytes, 0, count);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        // Only the canonical spelling is ours: this keeps the mapping one-to-one.
        return string.Equals(Encode(segment, out bool isLong), name, StringComparison.Ordinal) && !isLong ? segment : null;
    }

    private static string Shorten(string encoded, ReadOnlySpan<byte> utf8)
    {
        int keep = LongNameKeptLength;
        // Never cut an escape in half.
        if (encoded[keep - 1] == '%')
        {
            keep -= 1;
        }
        else if (encoded[keep - 2] == '%')
        {
            keep -= 2;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8, hash);
        return string.Concat(encoded.AsSpan(0, keep), LongNameMarker, Convert.ToHexStringLower(hash[..LongNameHashBytes]));
    }

    private static bool IsReservedOnWindows(ReadOnlySpan<char> name)
    {
        // Windows treats "con", "con.txt" and "con .txt" alike: compare the part before the first
        // dot with trailing spaces removed.
        int dot = name.IndexOf('.');
        var stem = (dot < 0 ? name : name[..dot]).TrimEnd(' ');
        if (stem.Length is < 3 or > 7)
        {
            return false;
        }

        foreach (var reserved in ReservedWindowsNames)
        {
            if (stem.SequenceEqual(reserved))
            {
                return true;
            }
        }

        return false;
    }

    private static void AppendEscape(StringBuilder builder, byte b) => builder.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);

    private static string Escape(byte b) => string.Concat("%", HexDigits.AsSpan(b >> 4, 1), HexDigits.AsSpan(b & 0xF, 1));

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}
