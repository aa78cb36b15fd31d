using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Atomiton.Storage.Emulators.Dropbox;

/// <summary>The metadata and argument shapes of API v2 (snake_case fields, unions with <c>.tag</c>).</summary>
internal static class DropboxJson
{
    public const string TimeFormat = "yyyy-MM-ddTHH:mm:ssZ";

    public static JsonObject Metadata(DropboxEntry entry, bool tagged = true)
    {
        var node = new JsonObject();
        if (tagged)
        {
            node[".tag"] = entry.IsFolder ? "folder" : "file";
        }

        node["name"] = entry.Name;
        node["path_lower"] = entry.PathDisplay.ToLowerInvariant();
        node["path_display"] = entry.PathDisplay;
        node["id"] = entry.Id;
        if (!entry.IsFolder)
        {
            node["client_modified"] = Time(entry.ClientModified);
            node["server_modified"] = Time(entry.ServerModified);
            node["rev"] = entry.Rev;
            node["size"] = entry.Size;
            node["is_downloadable"] = true;
            node["content_hash"] = entry.ContentHash;
        }

        return node;
    }

    public static JsonObject Deleted(string display) => new()
    {
        [".tag"] = "deleted",
        ["name"] = display[(display.LastIndexOf('/') + 1)..],
        ["path_lower"] = display.ToLowerInvariant(),
        ["path_display"] = display,
    };

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTime(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        return DateTimeOffset.TryParseExact(node.GetValue<string>(), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw DropboxApiException.BadRequest($"Error in call to API function: client_modified '{node}' is not a timestamp of the form {TimeFormat}");
    }

    /// <summary>A union member given as a bare string or as <c>{".tag": …}</c>.</summary>
    public static string? Tag(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value => value.GetValue<string>(),
        JsonObject obj => obj[".tag"]?.GetValue<string>(),
        _ => null,
    };

    public static DropboxWriteMode Mode(JsonObject args)
    {
        var node = args["mode"];
        bool strict = args["strict_conflict"]?.GetValue<bool>() ?? false;
        return Tag(node) switch
        {
            null or "add" => new DropboxWriteMode("add", null, strict),
            "overwrite" => new DropboxWriteMode("overwrite", null, strict),
            "update" => new DropboxWriteMode("update", node!["update"]?.GetValue<string>() ?? throw DropboxApiException.BadRequest("Error in call to API function: mode 'update' needs a rev"), strict),
            var other => throw DropboxApiException.BadRequest($"Error in call to API function: unknown write mode '{other}'"),
        };
    }

    public static JsonObject ParseArgs(string? text, string route)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() == "null")
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw DropboxApiException.BadRequest($"Error in call to API function \"{route}\": the argument must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw DropboxApiException.BadRequest($"Error in call to API function \"{route}\": could not decode input as JSON ({e.Message})");
        }
    }
}
