using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Atomiton.Storage.Sync.Conflicts;

/// <summary>
/// Names of conflict copies, inside the key grammar and using only ASCII letters, digits, <c>-</c> and
/// <c>.</c> in the inserted part: <c>flows/flow-123.conflict-20261124T153012Z-laptop.json</c> — inserted
/// before the last extension of the last segment (appended when there is none, or for a dotfile),
/// <c>-2</c>, <c>-3</c>… on a collision, and shortened with an 8-hex hash of the original key when the
/// result would exceed the key's length limits. A conflict copy of a conflict copy is named after the
/// original key (never nested).
/// </summary>
public static partial class ConflictCopyNames
{
    private const string Marker = ".conflict-";

    /// <summary>The conflict-copy key for <paramref name="key"/>'s losing version.</summary>
    /// <param name="key">The key both sides changed (a conflict copy itself is traced back to its original).</param>
    /// <param name="when">The losing version's write time (so a retried run picks the same name).</param>
    /// <param name="replica">The name of the side the loser came from; sanitised to at most 32 of <c>[a-z0-9-]</c>.</param>
    /// <param name="attempt">1 for the first name, 2 and up after collisions.</param>
    public static string For(string key, DateTimeOffset when, string replica, int attempt = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        string original = OriginalOf(key) ?? key;
        int slash = original.LastIndexOf('/');
        string folder = original[..(slash + 1)];
        string name = original[(slash + 1)..];
        int dot = name.LastIndexOf('.');
        bool hasExtension = dot > 0 && dot < name.Length - 1;
        string stem = hasExtension ? name[..dot] : name;
        string extension = hasExtension ? name[dot..] : string.Empty;
        string tag = Marker + when.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Sanitise(replica)
            + (attempt > 1 ? "-" + attempt.ToString(CultureInfo.InvariantCulture) : string.Empty);

        string candidate = folder + stem + tag + extension;
        if (Fits(candidate))
        {
            return candidate;
        }

        string hash = "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(original)))[..8];
        while (stem.Length > 0 && !Fits(folder + stem + hash + tag + extension))
        {
            stem = stem[..^1];
            if (stem.Length > 0 && char.IsHighSurrogate(stem[^1]))
            {
                stem = stem[..^1];
            }
        }

        return folder + stem + hash + tag + extension;
    }

    /// <summary>Whether <paramref name="key"/> is a conflict copy made by sync.</summary>
    public static bool IsConflictCopy(string key) => OriginalOf(key) is not null;

    /// <summary>The key a conflict copy was made for, or null when <paramref name="key"/> is not a conflict copy.</summary>
    public static string? OriginalOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int slash = key.LastIndexOf('/');
        var match = CopyPattern().Match(key, slash + 1);
        return match.Success ? key[..(slash + 1)] + match.Groups["stem"].Value + match.Groups["ext"].Value : null;
    }

    /// <summary>The common start of every conflict copy of <paramref name="key"/> (for listing a family).</summary>
    internal static string FamilyPrefix(string key)
    {
        string original = OriginalOf(key) ?? key;
        int slash = original.LastIndexOf('/');
        string name = original[(slash + 1)..];
        int dot = name.LastIndexOf('.');
        bool hasExtension = dot > 0 && dot < name.Length - 1;
        return original[..(slash + 1)] + (hasExtension ? name[..dot] : name);
    }

    private static bool Fits(string key) =>
        Encoding.UTF8.GetByteCount(key) <= StorageKey.MaxKeyBytes
        && Encoding.UTF8.GetByteCount(key[(key.LastIndexOf('/') + 1)..]) <= StorageKey.MaxSegmentBytes;

    private static string Sanitise(string replica)
    {
        var text = new StringBuilder();
        foreach (char c in (replica ?? string.Empty).ToLowerInvariant())
        {
            if (text.Length == 32)
            {
                break;
            }

            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            {
                text.Append(c);
            }
            else if (text.Length > 0 && text[^1] != '-')
            {
                text.Append('-');
            }
        }

        string result = text.ToString().Trim('-');
        return result.Length == 0 ? "replica" : result;
    }

    [GeneratedRegex(@"\G(?<stem>.+?)(?:~[0-9a-f]{8})?\.conflict-\d{8}T\d{6}Z-[a-z0-9-]{1,40}(?<ext>\.[^./]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CopyPattern();
}
