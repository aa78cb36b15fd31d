using System.Text;

namespace Atomiton.Storage;

/// <summary>
/// The one key grammar of every engine, checked here so that every backend accepts and refuses
/// exactly the same keys. A key is a <c>/</c>-separated sequence of non-empty segments of UTF-8
/// text: no <c>.</c> or <c>..</c> segment, no backslash, no control character, no unpaired
/// surrogate, at most <see cref="MaxKeyBytes"/> UTF-8 bytes in all and
/// <see cref="MaxSegmentBytes"/> per segment. Keys are case-sensitive and are not normalised
/// (the NFC and NFD spellings of a character are two different keys).
/// </summary>
public static class StorageKey
{
    /// <summary>The longest key, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>The longest segment between two slashes, in UTF-8 bytes.</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>The separator between segments.</summary>
    public const char Separator = '/';

    /// <summary>Throws <see cref="StorageErrorCode.InvalidKey"/> if <paramref name="key"/> breaks the grammar.</summary>
    /// <param name="key">The key to check.</param>
    /// <param name="provider">The engine checking it, named in the error.</param>
    /// <param name="operation">The operation being attempted, named in the error.</param>
    /// <exception cref="StorageException">The key is invalid; the message names the rule it broke.</exception>
    public static void Validate(string? key, string? provider = null, string? operation = null)
    {
        var problem = Check(key, isPrefix: false);
        if (problem is not null)
        {
            throw Invalid(key, problem, provider, operation);
        }
    }

    /// <summary>
    /// Throws <see cref="StorageErrorCode.InvalidKey"/> if <paramref name="prefix"/> is not a valid
    /// listing prefix. A prefix may be empty, may end with <c>/</c>, and may end in the middle of a
    /// segment (<c>flows/fl</c>); otherwise it follows the key grammar.
    /// </summary>
    /// <exception cref="StorageException">The prefix is invalid; the message names the rule it broke.</exception>
    public static void ValidatePrefix(string? prefix, string? provider = null, string? operation = null)
    {
        var problem = prefix is null ? "it is null" : prefix.Length == 0 ? null : Check(prefix, isPrefix: true);
        if (problem is not null)
        {
            throw Invalid(prefix, problem, provider, operation);
        }
    }

    /// <summary>Whether <paramref name="key"/> follows the grammar; <paramref name="problem"/> names the rule it broke.</summary>
    public static bool IsValid(string? key, out string? problem)
    {
        problem = Check(key, isPrefix: false);
        return problem is null;
    }

    /// <summary>The parent "folder" prefix of a key, ending with <c>/</c>, or the empty string at the root.</summary>
    public static string ParentPrefix(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.LastIndexOf(Separator);
        return slash < 0 ? string.Empty : key[..(slash + 1)];
    }

    private static StorageException Invalid(string? key, string problem, string? provider, string? operation) =>
        new(StorageErrorCode.InvalidKey,
            $"Invalid key '{Printable(key)}': {problem}. Keys are '/'-separated UTF-8 segments with no empty, '.' or '..' segment, no backslash or control character, at most {MaxKeyBytes} bytes (see docs/contract.md).")
        {
            Key = key,
            Provider = provider,
            Operation = operation,
        };

    private static string? Check(string? key, bool isPrefix)
    {
        if (key is null)
        {
            return "it is null";
        }

        if (key.Length == 0)
        {
            return "it is empty";
        }

        if (key[0] == Separator)
        {
            return "it starts with '/' (keys are relative; remove the leading slash)";
        }

        if (!isPrefix && key[^1] == Separator)
        {
            return "it ends with '/' (a key names an object, not a folder)";
        }

        int totalBytes = 0;
        int segmentStart = 0;
        for (int i = 0; i <= key.Length; i++)
        {
            if (i == key.Length || key[i] == Separator)
            {
                var problem = CheckSegment(key.AsSpan(segmentStart, i - segmentStart), isLast: i == key.Length, isPrefix, ref totalBytes);
                if (problem is not null)
                {
                    return problem;
                }

                segmentStart = i + 1;
                continue;
            }

            char c = key[i];
            if (c == '\\')
            {
                return $"it contains a backslash at position {i} (use '/' to separate segments)";
            }

            if (char.IsControl(c))
            {
                return $"it contains the control character U+{(int)c:X4} at position {i}";
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= key.Length || !char.IsLowSurrogate(key[i + 1]))
                {
                    return $"it contains an unpaired surrogate at position {i} (not valid UTF-8)";
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return $"it contains an unpaired surrogate at position {i} (not valid UTF-8)";
            }
        }

        if (totalBytes + key.AsSpan().Count(Separator) > MaxKeyBytes)
        {
            return $"it is longer than {MaxKeyBytes} UTF-8 bytes";
        }

        return null;
    }

    private static string? CheckSegment(ReadOnlySpan<char> segment, bool isLast, bool isPrefix, ref int totalBytes)
    {
        if (segment.IsEmpty)
        {
            // A prefix may end with '/', leaving an empty last segment.
            return isLast && isPrefix ? null : "it has an empty segment ('//')";
        }

        if (!(isLast && isPrefix))
        {
            if (segment is ".")
            {
                return "it has a '.' segment";
            }

            if (segment is "..")
            {
                return "it has a '..' segment";
            }
        }

        int bytes = Encoding.UTF8.GetByteCount(segment);
        if (bytes > MaxSegmentBytes)
        {
            return $"a segment is longer than {MaxSegmentBytes} UTF-8 bytes";
        }

        totalBytes += bytes;
        return null;
    }

    private static string Printable(string? key)
    {
        if (key is null)
        {
            return "<null>";
        }

        var builder = new StringBuilder(Math.Min(key.Length, 80));
        foreach (var c in key.Length > 80 ? key[..80] : key)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return key.Length > 80 ? builder.Append('…').ToString() : builder.ToString();
    }
}
