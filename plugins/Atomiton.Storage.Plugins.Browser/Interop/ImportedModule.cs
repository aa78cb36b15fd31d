using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;

namespace Atomiton.Storage.Plugins.Browser.Interop;

/// <summary>
/// The module's [JSImport] forms, for WebAssembly: the hot calls of the <c>indexeddb</c> engine (a save's
/// commit and chunks, a load and its chunks) without IJSRuntime's JSON — arguments marshalled directly, content
/// copied straight out of (and into) .NET memory, answers flat JS objects read property by property. The module
/// is imported under <see cref="Name"/> from the address the IJSRuntime import answers, so both reach one module
/// instance (the same database handles and uploads). Not used in Blazor Server, where the module lives in
/// another process.
/// </summary>
[SupportedOSPlatform("browser")]
internal static partial class ImportedModule
{
    /// <summary>The name [JSImport] knows the module by.</summary>
    public const string Name = "atomiton-storage";

    [JSImport("uploadPart", Name)]
    public static partial int UploadPart(int upload, [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> bytes);

    [JSImport("idbSaveImported", Name)]
    public static partial Task<JSObject> IdbSave(int handle, int upload, byte[]? inline, string key, int condition, string? etag,
        string? contentType, string? metadataJson, string now, int keep);

    [JSImport("idbOpenImported", Name)]
    public static partial Task<JSObject> IdbOpen(int handle, string key, string? ifNoneMatch, string? rangeJson, int inlineMax);

    /// <summary>A listing page as a flat JS array of strings (see <see cref="JsListPage.FromFlat"/>).</summary>
    [JSImport("idbListFlat", Name)]
    public static partial Task<JSObject> IdbList(int handle, string prefix, string? startAfter, int limit, bool shallow, bool keysOnly);

    [JSImport("stringsOf", Name)]
    [return: JSMarshalAs<JSType.Array<JSType.String>>]
    public static partial string[] StringsOf(JSObject array);

    [JSImport("readerRead", Name)]
    public static partial Task<JSObject> ReaderRead(int reader, double offset, int count);

    [JSImport("readerRelease", Name)]
    public static partial void ReaderRelease(int reader);

    /// <summary>The module's error name in an answer, or null.</summary>
    public static string? Error(JSObject answer) => answer.GetPropertyAsString("e");

    /// <summary>An object's metadata from a flat answer (<c>k z c u t ct mj</c>).</summary>
    public static JsItem Item(JSObject answer)
    {
        Dictionary<string, string>? metadata = null;
        if (answer.GetPropertyAsString("mj") is { } json)
        {
            using var document = JsonDocument.Parse(json);
            metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                metadata[property.Name] = property.Value.GetString() ?? "";
            }
        }

        return new JsItem
        {
            Key = answer.GetPropertyAsString("k") ?? "",
            Size = (long)answer.GetPropertyAsDouble("z"),
            Created = answer.GetPropertyAsString("c") ?? "0",
            Updated = answer.GetPropertyAsString("u") ?? "0",
            ETag = answer.GetPropertyAsString("t") ?? "",
            ContentType = answer.GetPropertyAsString("ct"),
            Metadata = metadata,
        };
    }

    /// <summary>User metadata as the JSON object the module stores, or null when there is none.</summary>
    public static string? MetadataJson(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is not { Count: > 0 })
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in metadata)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A byte range as the module's JSON (<c>{ offset, length, suffix }</c>), or null.</summary>
    public static string? RangeJson(ByteRange? range)
    {
        if (range is not { } r)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("offset", r.Offset);
            if (r.Length is { } length)
            {
                writer.WriteNumber("length", length);
            }
            else
            {
                writer.WriteNull("length");
            }

            writer.WriteBoolean("suffix", r.IsSuffix);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
