using System.Buffers;
using System.Globalization;
using System.Text;

namespace Atomiton.Storage.Plugins.OneDrive;

/// <summary>
/// Keys ↔ OneDrive names. OneDrive folds case (keeping the first spelling), forbids
/// <c>" * : &lt; &gt; ? \ |</c>, a leading or trailing space, a trailing dot and the reserved device names,
/// limits a name to 255 characters and a path to 400, and will not let a file and a folder share a name.
/// Native mode declares all of that in the key rules; encoded mode writes what is forbidden as %XX.
/// </summary>
internal sealed class OneDriveNames
{
    /// <summary>The longest path OneDrive stores, in characters, from the drive's root.</summary>
    public const int MaxPathLength = 400;

    /// <summary>The longest name, in characters.</summary>
    public const int MaxNameLength = 255;

    private const string Forbidden = "\"*:<>?\\|";
    private static readonly SearchValues<char> EncodedAlways = SearchValues.Create(Forbidden + "%");

    /// <summary>Names Windows reserves, which OneDrive refuses as a whole name or before a dot (CON, CON.txt).</summary>
    private static readonly string[] Reserved =
    [
        "CON", "PRN", "AUX", "NUL",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
        ".lock", "desktop.ini",
    ];

    public OneDriveNames(OneDriveNameMode mode, int basePathLength)
    {
        Mode = mode;
        // The base folder's path and its '/' count against the 400 characters; a character is at least one UTF-8 byte.
        int budget = MaxPathLength - basePathLength - 1;
        Rules = mode == OneDriveNameMode.Native
            ? new StorageKeyRules
            {
                MaxKeyBytes = Math.Min(StorageKey.MaxKeyBytes, budget),
                MaxSegmentBytes = Math.Min(StorageKey.MaxSegmentBytes, MaxNameLength),
                CaseInsensitive = true,
                PreservesCase = true,
                ObjectAndFolderMayShareName = false,
                ForbiddenCharacters = Forbidden,
                ForbiddenLeadingCharacters = " ",
                ForbiddenTrailingCharacters = " .",
                ReservedNames = Reserved,
            }
            : new StorageKeyRules
            {
                // Encoding may lengthen a name (a forbidden character takes three); such keys are refused when saved.
                MaxKeyBytes = Math.Min(StorageKey.MaxKeyBytes, budget),
                MaxSegmentBytes = Math.Min(StorageKey.MaxSegmentBytes, MaxNameLength),
                CaseInsensitive = true,
                PreservesCase = true,
                ObjectAndFolderMayShareName = false,
            };
    }

    public OneDriveNameMode Mode { get; }

    public StorageKeyRules Rules { get; }

    /// <summary>The OneDrive name of one key segment.</summary>
    public string NameOf(string segment, string key)
    {
        if (Mode == OneDriveNameMode.Native)
        {
            return segment;
        }

        var builder = new StringBuilder(segment.Length + 8);
        bool reserved = IsReserved(segment);
        for (int i = 0; i < segment.Length; i++)
        {
            char c = segment[i];
            bool encode = EncodedAlways.Contains(c)
                || (i == 0 && (c == ' ' || reserved))
                || (i == segment.Length - 1 && c is ' ' or '.');
            if (encode)
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        string name = builder.ToString();
        if (name.Length > MaxNameLength)
        {
            throw StorageException.Unrepresentable(key, $"its segment '{segment}' is {name.Length} characters once encoded and OneDrive names have at most {MaxNameLength}", OneDriveProvider.TypeName);
        }

        return name;
    }

    /// <summary>The key segment a OneDrive name stands for; null when an encoded-mode name is not one this encoding wrote (it is then not listed).</summary>
    public string? SegmentOf(string name)
    {
        if (Mode == OneDriveNameMode.Native || !name.Contains('%', StringComparison.Ordinal))
        {
            return name;
        }

        var builder = new StringBuilder(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] != '%')
            {
                builder.Append(name[i]);
                continue;
            }

            if (i + 2 >= name.Length || !byte.TryParse(name.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte value))
            {
                return null;
            }

            builder.Append((char)value);
            i += 2;
        }

        return builder.ToString();
    }

    /// <summary>The path of <paramref name="key"/> below the base folder, percent-encoded for a URL (<c>a%20b/c.txt</c>), checked against the 400-character path limit.</summary>
    public string UrlPathOf(string key)
    {
        var names = key.Split(StorageKey.Separator).Select(segment => NameOf(segment, key)).ToArray();
        int length = names.Sum(n => n.Length) + names.Length - 1;
        if (length > Rules.MaxKeyBytes)
        {
            throw StorageException.Unrepresentable(key, $"its OneDrive path is {length} characters once encoded and this folder leaves room for {Rules.MaxKeyBytes}", OneDriveProvider.TypeName);
        }

        return string.Join('/', names.Select(Uri.EscapeDataString));
    }

    /// <summary>The key for an item at <paramref name="path"/> (names below the base folder joined by '/'); null when a name does not decode.</summary>
    public string? KeyOf(string path)
    {
        var segments = new List<string>();
        foreach (var name in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (SegmentOf(name) is not { } segment)
            {
                return null;
            }

            segments.Add(segment);
        }

        return string.Join(StorageKey.Separator, segments);
    }

    private static bool IsReserved(string segment) =>
        Reserved.Any(r => segment.Equals(r, StringComparison.OrdinalIgnoreCase)
            || (segment.Length > r.Length && segment[r.Length] == '.' && segment.StartsWith(r, StringComparison.OrdinalIgnoreCase)));
}
