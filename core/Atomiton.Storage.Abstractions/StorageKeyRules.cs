using System.Text;

namespace Atomiton.Storage;

/// <summary>
/// What keys an engine can store. <see cref="StorageKey"/> is the grammar of the API; these rules
/// are what one backend holds beneath it. A key that is valid under the grammar but breaks these
/// rules is refused with <see cref="StorageErrorCode.UnrepresentableKey"/> before anything is
/// changed; it is never silently altered. Engines that encode names so that every valid key
/// round-trips keep the default rules and say so in their documentation.
/// </summary>
public sealed record StorageKeyRules
{
    /// <summary>The grammar's own rules: every valid key can be stored.</summary>
    public static StorageKeyRules Default { get; } = new();

    /// <summary>The longest key, in UTF-8 bytes.</summary>
    public int MaxKeyBytes { get; init; } = StorageKey.MaxKeyBytes;

    /// <summary>The longest segment (text between two <c>/</c>), in UTF-8 bytes.</summary>
    public int MaxSegmentBytes { get; init; } = StorageKey.MaxSegmentBytes;

    /// <summary>Keys differing only in case name one object (the same as <see cref="StorageTraits.CaseInsensitiveKeys"/>).</summary>
    public bool CaseInsensitive { get; init; }

    /// <summary>Whether the spelling of a key is kept as first saved (true for every engine in this repository).</summary>
    public bool PreservesCase { get; init; } = true;

    /// <summary>The Unicode normalisation the backend applies to names (such as <c>NFC</c>), or null when it stores code points as given.</summary>
    public string? UnicodeNormalization { get; init; }

    /// <summary>
    /// Whether <c>a</c> and <c>a/b</c> can both be objects. False on every drive (a file and a folder
    /// cannot share a name): saving one while the other exists is <see cref="StorageErrorCode.UnrepresentableKey"/>.
    /// </summary>
    public bool ObjectAndFolderMayShareName { get; init; } = true;

    /// <summary>Characters no segment may contain (beyond the grammar's own), or empty.</summary>
    public string ForbiddenCharacters { get; init; } = string.Empty;

    /// <summary>Characters no segment may start with (OneDrive: a space), or empty.</summary>
    public string ForbiddenLeadingCharacters { get; init; } = string.Empty;

    /// <summary>Characters no segment may end with (OneDrive: a space or a dot), or empty.</summary>
    public string ForbiddenTrailingCharacters { get; init; } = string.Empty;

    /// <summary>Segment names the backend refuses, compared ignoring case, alone or before a dot (<c>CON</c>, <c>CON.txt</c>).</summary>
    public IReadOnlyList<string> ReservedNames { get; init; } = [];

    /// <summary>True when these rules accept every key the grammar accepts.</summary>
    public bool AcceptsEveryValidKey =>
        MaxKeyBytes >= StorageKey.MaxKeyBytes
        && MaxSegmentBytes >= StorageKey.MaxSegmentBytes
        && !CaseInsensitive
        && PreservesCase
        && UnicodeNormalization is null
        && ObjectAndFolderMayShareName
        && ForbiddenCharacters.Length == 0
        && ForbiddenLeadingCharacters.Length == 0
        && ForbiddenTrailingCharacters.Length == 0
        && ReservedNames.Count == 0;

    /// <summary>
    /// Why a key that is valid under <see cref="StorageKey"/> cannot be stored under these rules, or
    /// null when it can. Does not check <see cref="ObjectAndFolderMayShareName"/> (that depends on
    /// what is stored) nor case (that is about which object a key names, not whether it can exist).
    /// </summary>
    public string? Explain(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int keyBytes = Encoding.UTF8.GetByteCount(key);
        if (keyBytes > MaxKeyBytes)
        {
            return $"it is {keyBytes} UTF-8 bytes long and this engine stores keys of at most {MaxKeyBytes} bytes";
        }

        foreach (var range in key.AsSpan().Split(StorageKey.Separator))
        {
            var segment = key.AsSpan()[range];
            int segmentBytes = Encoding.UTF8.GetByteCount(segment);
            if (segmentBytes > MaxSegmentBytes)
            {
                return $"segment '{segment}' is {segmentBytes} UTF-8 bytes long and this engine stores segments of at most {MaxSegmentBytes} bytes";
            }

            int forbidden = ForbiddenCharacters.Length == 0 ? -1 : segment.IndexOfAny(ForbiddenCharacters);
            if (forbidden >= 0)
            {
                return $"segment '{segment}' contains '{segment[forbidden]}', which this engine cannot store (forbidden: {ForbiddenCharacters})";
            }

            if (segment.Length > 0 && ForbiddenLeadingCharacters.Contains(segment[0]))
            {
                return $"segment '{segment}' starts with '{segment[0]}', which this engine cannot store at the start of a name";
            }

            if (segment.Length > 0 && ForbiddenTrailingCharacters.Contains(segment[^1]))
            {
                return $"segment '{segment}' ends with '{segment[^1]}', which this engine cannot store at the end of a name";
            }

            foreach (var reserved in ReservedNames)
            {
                if (segment.Equals(reserved, StringComparison.OrdinalIgnoreCase)
                    || (segment.Length > reserved.Length && segment[reserved.Length] == '.' && segment.StartsWith(reserved, StringComparison.OrdinalIgnoreCase)))
                {
                    return $"segment '{segment}' is the reserved name '{reserved}' on this engine";
                }
            }
        }

        return null;
    }
}
