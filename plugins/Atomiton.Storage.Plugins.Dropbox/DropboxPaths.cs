using System.Globalization;
using System.Text;

namespace Atomiton.Storage.Plugins.Dropbox;

/// <summary>
/// Keys to Dropbox paths and back, under the root folder and the name mode. Native: the key is the
/// path. Encoded: in each segment, characters other than <c>a-z 0-9 - _ . ~ ! $ ' ( ) + , ; = @</c>
/// become <c>%XX</c> per UTF-8 byte (upper-case letters too, so Dropbox's case folding cannot
/// merge two keys), as does a trailing dot or space and the first character of a name Dropbox refuses.
/// </summary>
internal sealed class DropboxPaths
{
    /// <summary>Names Dropbox does not store (its own files and those it ignores), compared ignoring case.</summary>
    public static readonly IReadOnlyList<string> IgnoredNames = [".dropbox", ".dropbox.attr", "desktop.ini", "thumbs.db", ".ds_store"];

    private const string SafePunctuation = "-_.~!$'()+,;=@";

    private readonly string _root;
    private readonly string _rootLower;
    private readonly DropboxNameMode _mode;

    public DropboxPaths(string root, DropboxNameMode mode)
    {
        _root = NormalizeRoot(root);
        _rootLower = _root.ToLowerInvariant();
        _mode = mode;
    }

    /// <summary>The root folder as a Dropbox path: <c>""</c> (the top) or <c>/a/b</c>.</summary>
    public string Root => _root;

    /// <summary>The key rules of a name mode (see docs/providers/dropbox.md).</summary>
    public static StorageKeyRules RulesFor(DropboxNameMode mode) => mode == DropboxNameMode.Native
        ? new StorageKeyRules
        {
            CaseInsensitive = true,
            PreservesCase = true,
            ObjectAndFolderMayShareName = false,
            ForbiddenCharacters = "\\",
            ForbiddenTrailingCharacters = " ",
            ReservedNames = IgnoredNames,
        }
        : new StorageKeyRules
        {
            // Each byte may take three in the name; Dropbox names are at most 255.
            MaxSegmentBytes = 85,
            ObjectAndFolderMayShareName = false,
        };

    public static string NormalizeRoot(string? root)
    {
        string trimmed = (root ?? "").Trim().TrimEnd('/');
        return trimmed.Length == 0 ? "" : trimmed.StartsWith('/') ? trimmed : "/" + trimmed;
    }

    public static string? ExplainRoot(string? root)
    {
        string normalized = NormalizeRoot(root);
        return normalized.Contains("//", StringComparison.Ordinal) ? "has an empty folder name"
            : normalized.Contains('\\', StringComparison.Ordinal) ? "contains a backslash (Dropbox separates folders with /)"
            : normalized.Split('/').Any(s => s is "." or "..") ? "contains '.' or '..'"
            : null;
    }

    /// <summary>The Dropbox path of a key.</summary>
    public string PathOf(string key)
    {
        if (_mode == DropboxNameMode.Native)
        {
            return _root + "/" + key;
        }

        var builder = new StringBuilder(_root.Length + key.Length * 2);
        builder.Append(_root);
        foreach (var segment in key.Split('/'))
        {
            builder.Append('/');
            Encode(segment, builder);
        }

        return builder.ToString();
    }

    /// <summary>The folder to list for a key prefix: the prefix up to its last <c>/</c> (the root for none).</summary>
    public string FolderOf(string prefix)
    {
        int slash = prefix.LastIndexOf('/');
        return slash < 0 ? _root : PathOf(prefix[..slash]);
    }

    /// <summary>The key of a Dropbox path (its kept spelling), or null when it is outside the root or not a name this mode makes.</summary>
    public string? KeyOf(string pathLower, string? pathDisplay)
    {
        string display = pathDisplay is not null && pathDisplay.Length == pathLower.Length ? pathDisplay : pathLower;
        if (!pathLower.StartsWith(_rootLower + "/", StringComparison.Ordinal) || pathLower.Length == _rootLower.Length + 1)
        {
            return null;
        }

        string relative = display[(_rootLower.Length + 1)..];
        if (_mode == DropboxNameMode.Native)
        {
            return relative;
        }

        var segments = relative.Split('/');
        for (int i = 0; i < segments.Length; i++)
        {
            if (Decode(segments[i]) is not { } decoded)
            {
                return null;
            }

            segments[i] = decoded;
        }

        return string.Join('/', segments);
    }

    private static void Encode(string segment, StringBuilder builder)
    {
        bool escapeFirst = IgnoredNames.Any(n => segment.Equals(n, StringComparison.OrdinalIgnoreCase));
        Span<byte> bytes = stackalloc byte[4];
        for (int i = 0; i < segment.Length; i++)
        {
            char c = segment[i];
            bool last = i == segment.Length - 1;
            bool safe = (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') || SafePunctuation.Contains(c, StringComparison.Ordinal))
                && !(i == 0 && escapeFirst) && !(last && c == '.');
            if (safe)
            {
                builder.Append(c);
                continue;
            }

            int length = char.IsHighSurrogate(c) && i + 1 < segment.Length
                ? Encoding.UTF8.GetBytes(segment.AsSpan(i++, 2), bytes)
                : Encoding.UTF8.GetBytes(segment.AsSpan(i, 1), bytes);
            foreach (byte b in bytes[..length])
            {
                builder.Append('%').Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }
    }

    private static string? Decode(string name)
    {
        if (!name.Contains('%', StringComparison.Ordinal))
        {
            return name;
        }

        var bytes = new List<byte>(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] == '%')
            {
                if (i + 2 >= name.Length || !byte.TryParse(name.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b))
                {
                    return null;
                }

                bytes.Add(b);
                i += 2;
            }
            else if (name[i] < 0x80)
            {
                bytes.Add((byte)name[i]);
            }
            else
            {
                return null;
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}
