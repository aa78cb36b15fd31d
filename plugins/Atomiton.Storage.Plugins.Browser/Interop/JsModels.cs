using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.JSInterop;

namespace Atomiton.Storage.Plugins.Browser.Interop;

// The shapes atomiton-storage.js returns. Short property names keep each interop message small
// (Blazor Server caps a browser-to-server message at 32 KB).

/// <summary>Every module function's answer: a value, or an error name (never a message to parse).</summary>
internal sealed class JsResult<T>
{
    [JsonPropertyName("v")] public T? Value { get; set; }

    [JsonPropertyName("e")] public string? Error { get; set; }

    [JsonPropertyName("m")] public string? Message { get; set; }
}

/// <summary>An object's metadata as stored in the browser; times are UTC ticks in decimal (exact in JavaScript).</summary>
internal sealed class JsItem
{
    [JsonPropertyName("k")] public string Key { get; set; } = "";

    [JsonPropertyName("z")] public long Size { get; set; }

    [JsonPropertyName("c")] public string Created { get; set; } = "0";

    [JsonPropertyName("u")] public string Updated { get; set; } = "0";

    [JsonPropertyName("t")] public string ETag { get; set; } = "";

    [JsonPropertyName("ct")] public string? ContentType { get; set; }

    [JsonPropertyName("m")] public Dictionary<string, string>? Metadata { get; set; }

    public StorageItem ToItem() => new()
    {
        Key = Key,
        Size = Size,
        Created = FromTicks(Created),
        Updated = FromTicks(Updated),
        ETag = ETag,
        ContentType = ContentType,
        Metadata = Metadata is { Count: > 0 } metadata ? metadata : StorageItem.EmptyMetadata,
    };

    public static string Ticks(DateTimeOffset time) => time.UtcTicks.ToString(CultureInfo.InvariantCulture);

    private static DateTimeOffset FromTicks(string ticks) => new(long.Parse(ticks, CultureInfo.InvariantCulture), TimeSpan.Zero);
}

/// <summary>An opened object: its item, and its content inline (small) or as a stream reference (large).</summary>
internal sealed class JsOpened
{
    [JsonPropertyName("item")] public JsItem Item { get; set; } = new();

    [JsonPropertyName("notModified")] public bool NotModified { get; set; }

    [JsonPropertyName("inline")] public byte[]? Inline { get; set; }

    [JsonPropertyName("stream")] public IJSStreamReference? Stream { get; set; }

    [JsonPropertyName("length")] public long Length { get; set; }

    /// <summary>The page's ticket of a post to the HTTP transport (Blazor Server), when it sent the content that way.</summary>
    [JsonPropertyName("posted")] public int? Posted { get; set; }
}

/// <summary>One listing entry: an object (with its item unless keys-only) or a common prefix.</summary>
internal sealed class JsEntry
{
    [JsonPropertyName("k")] public string? Key { get; set; }

    [JsonPropertyName("p")] public string? Prefix { get; set; }

    [JsonPropertyName("i")] public JsItem? Item { get; set; }

    public StorageEntry ToEntry() =>
        Prefix is { } prefix ? StorageEntry.ForPrefix(prefix)
        : Item is { } item ? StorageEntry.ForItem(item.ToItem())
        : StorageEntry.ForKey(Key!);
}

/// <summary>One page of a listing.</summary>
internal sealed class JsListPage
{
    [JsonPropertyName("entries")] public List<JsEntry> Entries { get; set; } = [];

    [JsonPropertyName("more")] public bool More { get; set; }

    /// <summary>
    /// A listing page from <c>idbListFlat</c>'s strings: <c>[error, message]</c> (returned as the error), or
    /// <c>['', more]</c> then per entry <c>p prefix</c> | <c>k key</c> | <c>i key size created updated etag ±type n
    /// (name value)×n</c>. Walked without JSON: System.Text.Json took 3.3 s for a 10,000-entry listing in the
    /// WebAssembly interpreter. A malformed page (a module of another version) is an error naming the listing.
    /// </summary>
    public static (JsListPage? Page, string? Error, string? Message) FromFlat(string[] flat, string prefix)
    {
        if (flat.Length < 2)
        {
            return (null, "Malformed", $"The page answered a listing of '{prefix}' without its status ({flat.Length} of 2 strings). Reload the page: its storage module may be from another version.");
        }

        if (flat[0].Length > 0)
        {
            return (null, flat[0], flat[1]);
        }

        var page = new JsListPage { More = flat[1] == "1" };
        int at = 2;
        string Next() => at < flat.Length && flat[at] is { } next ? flat[at++] : throw new FormatException($"it ends early or holds no string at {at}");
        long Number(string text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long number) ? number : throw new FormatException($"'{text}' at {at - 1} is not a number");
        try
        {
            while (at < flat.Length)
            {
                string kind = Next();
                switch (kind)
                {
                    case "p":
                        page.Entries.Add(new JsEntry { Prefix = Next() });
                        break;
                    case "k":
                        page.Entries.Add(new JsEntry { Key = Next() });
                        break;
                    case "i":
                        var item = new JsItem { Key = Next(), Size = Number(Next()), Created = Next() };
                        Number(item.Created);
                        item.Updated = Next();
                        Number(item.Updated);
                        item.ETag = Next();
                        item.ContentType = Next() is ['+', .. var type] ? type : null;
                        long count = Number(Next());
                        if (count > 0)
                        {
                            item.Metadata = new Dictionary<string, string>(StringComparer.Ordinal);
                            for (long i = 0; i < count; i++)
                            {
                                item.Metadata[Next()] = Next();
                            }
                        }

                        page.Entries.Add(new JsEntry { Key = item.Key, Item = item });
                        break;
                    default:
                        throw new FormatException($"'{kind}' at {at - 1} is no entry kind");
                }
            }
        }
        catch (FormatException e)
        {
            return (null, "Malformed", $"The page answered a listing of '{prefix}' with a page this engine cannot read ({e.Message}). Reload the page: its storage module may be from another version.");
        }

        return (page, null, null);
    }
}

/// <summary>The change journal's epoch, trimmed point and latest sequence.</summary>
internal sealed class JsChangeState
{
    [JsonPropertyName("epoch")] public string Epoch { get; set; } = "";

    [JsonPropertyName("trimmed")] public long Trimmed { get; set; }

    [JsonPropertyName("last")] public long Last { get; set; }
}

/// <summary>One change of the journal, already scoped to the cursor's prefix.</summary>
internal sealed class JsChange
{
    [JsonPropertyName("x")] public string Kind { get; set; } = "";

    [JsonPropertyName("k")] public string Key { get; set; } = "";

    [JsonPropertyName("p")] public string? PreviousKey { get; set; }

    [JsonPropertyName("i")] public JsItem? Item { get; set; }

    public StorageChange ToChange() => Kind switch
    {
        "u" => new StorageChange(StorageChangeKind.Upserted, Key, Item!.ToItem()),
        "m" => new StorageChange(StorageChangeKind.Moved, Key, Item!.ToItem(), PreviousKey),
        _ => new StorageChange(StorageChangeKind.Deleted, Key),
    };
}

/// <summary>A page of changes.</summary>
internal sealed class JsChangePage
{
    [JsonPropertyName("epoch")] public string Epoch { get; set; } = "";

    [JsonPropertyName("trimmed")] public long Trimmed { get; set; }

    [JsonPropertyName("cursor")] public long Cursor { get; set; }

    [JsonPropertyName("changes")] public List<JsChange> Changes { get; set; } = [];

    [JsonPropertyName("more")] public bool More { get; set; }
}

/// <summary><c>navigator.storage.estimate()</c> and whether storage is persistent.</summary>
internal sealed class JsEstimate
{
    [JsonPropertyName("usage")] public long? Usage { get; set; }

    [JsonPropertyName("quota")] public long? Quota { get; set; }

    [JsonPropertyName("persisted")] public bool Persisted { get; set; }
}

/// <summary>What one localStorage namespace holds.</summary>
internal sealed class JsLocalUsage
{
    [JsonPropertyName("characters")] public long Characters { get; set; }

    [JsonPropertyName("items")] public long Items { get; set; }
}

/// <summary>A byte range as the module resolves it against the object's size.</summary>
internal sealed class JsRange
{
    [JsonPropertyName("offset")] public long Offset { get; set; }

    [JsonPropertyName("length")] public long? Length { get; set; }

    [JsonPropertyName("suffix")] public bool Suffix { get; set; }

    public static JsRange? From(ByteRange? range) =>
        range is { } r ? new JsRange { Offset = r.Offset, Length = r.Length, Suffix = r.IsSuffix } : null;
}
