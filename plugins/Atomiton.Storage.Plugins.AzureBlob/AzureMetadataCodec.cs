using System.Text;

namespace Atomiton.Storage.Plugins.AzureBlob;

/// <summary>
/// Stores the contract's user metadata under Azure's rules, so every valid entry round-trips exactly.
/// Azure names must be C# identifiers (letters, digits, <c>_</c>; not starting with a digit) and values
/// are HTTP header values (printable ASCII; surrounding spaces are lost; an empty value is dropped).
/// Names made of lowercase letters and digits only, starting with a letter, are stored as they are;
/// others are escaped (<c>_</c> → <c>__</c>, <c>-</c> → <c>_h</c>, <c>.</c> → <c>_d</c>, a leading digit
/// gets <c>_n</c> before it), which is injective because only escapes contain <c>_</c>. Values of
/// printable ASCII without surrounding spaces are stored as they are; any other value (empty, non-ASCII,
/// surrounding spaces, or one that starts like an encoded value) is stored as <c>=?utf-8?b?BASE64?=</c>
/// (RFC 2047's form). Azure allows 8 KiB of names and values in all, counted after this encoding;
/// <see cref="Encode"/> refuses more with InvalidArgument before anything is sent.
/// </summary>
internal static class AzureMetadataCodec
{
    /// <summary>Azure's limit on all metadata of one blob: names and values, after encoding.</summary>
    public const int MaxEncodedBytes = 8 * 1024;

    private static readonly System.Buffers.SearchValues<char> PlainNameCharacters = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789");

    private const string EncodedPrefix = "=?utf-8?b?";
    private const string EncodedSuffix = "?=";

    public static Dictionary<string, string>? Encode(IReadOnlyDictionary<string, string>? metadata, string key)
    {
        if (metadata is not { Count: > 0 })
        {
            return null;
        }

        var encoded = new Dictionary<string, string>(metadata.Count, StringComparer.OrdinalIgnoreCase);
        int total = 0;
        foreach (var (name, value) in metadata)
        {
            string storedName = EncodeName(name);
            string storedValue = EncodeValue(value);
            total += storedName.Length + storedValue.Length;
            encoded.Add(storedName, storedValue);
        }

        if (total > MaxEncodedBytes)
        {
            throw new StorageException(StorageErrorCode.InvalidArgument,
                $"Metadata for key '{key}' takes {total} bytes as Azure stores it (names escaped, non-ASCII values base64-encoded); Azure allows {MaxEncodedBytes}. Shorten the values or keep large data in the object.")
            { Key = key, Provider = AzureBlobProvider.TypeName };
        }

        return encoded;
    }

    public static IReadOnlyDictionary<string, string> Decode(IDictionary<string, string>? stored)
    {
        if (stored is not { Count: > 0 })
        {
            return StorageItem.EmptyMetadata;
        }

        var decoded = new Dictionary<string, string>(stored.Count, StringComparer.Ordinal);
        foreach (var (name, value) in stored)
        {
            decoded[DecodeName(name)] = DecodeValue(value);
        }

        return StorageMetadata.Freeze(decoded);
    }

    public static string EncodeName(string name)
    {
        if (name.Length > 0 && char.IsAsciiLetterLower(name[0]) && name.AsSpan().IndexOfAnyExcept(PlainNameCharacters) < 0)
        {
            return name;
        }

        var builder = new StringBuilder(name.Length + 8);
        if (name.Length > 0 && char.IsAsciiDigit(name[0]))
        {
            builder.Append("_n");
        }

        foreach (char c in name)
        {
            builder.Append(c switch
            {
                '_' => "__",
                '-' => "_h",
                '.' => "_d",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    public static string DecodeName(string stored)
    {
        if (!stored.Contains('_', StringComparison.Ordinal))
        {
            return stored;
        }

        var builder = new StringBuilder(stored.Length);
        int i = stored.StartsWith("_n", StringComparison.Ordinal) ? 2 : 0;
        for (; i < stored.Length; i++)
        {
            if (stored[i] != '_' || i + 1 == stored.Length)
            {
                builder.Append(stored[i]);
                continue;
            }

            char escaped = stored[++i];
            char? original = escaped switch { '_' => '_', 'h' => '-', 'd' => '.', _ => null };
            if (original is null)
            {
                // Not an escape this codec writes (a name another client set): keep the name as stored.
                return stored;
            }

            builder.Append(original.Value);
        }

        return builder.ToString();
    }

    public static string EncodeValue(string value)
    {
        bool plain = value.Length > 0
            && value[0] != ' ' && value[^1] != ' '
            && !value.StartsWith(EncodedPrefix, StringComparison.Ordinal)
            && value.AsSpan().IndexOfAnyExceptInRange((char)0x20, (char)0x7E) < 0;
        return plain ? value : EncodedPrefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + EncodedSuffix;
    }

    public static string DecodeValue(string stored)
    {
        if (stored.StartsWith(EncodedPrefix, StringComparison.Ordinal) && stored.EndsWith(EncodedSuffix, StringComparison.Ordinal)
            && stored.Length >= EncodedPrefix.Length + EncodedSuffix.Length)
        {
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(stored[EncodedPrefix.Length..^EncodedSuffix.Length]));
            }
            catch (FormatException)
            {
                // A value another client set that only looks encoded: keep it as stored.
            }
        }

        return stored;
    }
}
