using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>files.list and the change feed (changes.getStartPageToken, changes.list).</summary>
internal sealed partial class DriveApi
{
    private static readonly string[] SortableFields = ["name", "name_natural", "modifiedTime", "createdTime", "modifiedByMeTime", "folder", "quotaBytesUsed", "recency", "starred", "viewedByMeTime", "sharedWithMeTime"];

    private async Task ListAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var spaces = Spaces(query["spaces"]);
        int pageSize = PageSize(query["pageSize"], 100, 1000);
        var order = Order(query["orderBy"]);
        string? token = query["pageToken"];
        JsonObject page;
        lock (state.Gate)
        {
            var predicate = DriveQuery.Parse(query["q"], state.Resolve);
            var matches = state.Files.Values
                .Where(f => f.Id != state.RootId && f.Id != state.AppDataId && spaces.Contains(f.Space) && predicate(f))
                .Select(f => (File: f, Key: SortKey(f, order)))
                .ToList();
            var comparer = Comparer<string[]>.Create((a, b) => CompareKeys(a, b, order));
            matches.Sort((a, b) => comparer.Compare(a.Key, b.Key));
            var after = token is null ? null : DecodeToken(token, order.Count + 1);
            var rest = after is null ? matches : matches.Where(m => comparer.Compare(m.Key, after) > 0).ToList();
            var taken = rest.Take(pageSize).ToList();
            page = new JsonObject
            {
                ["kind"] = "drive#fileList",
                ["incompleteSearch"] = false,
                ["files"] = new JsonArray([.. taken.Select(m => (JsonNode)DriveState.ToJson(m.File))]),
            };
            if (rest.Count > taken.Count)
            {
                page["nextPageToken"] = EncodeToken(taken[^1].Key);
            }
        }

        await WriteJsonAsync(context, page, "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)");
    }

    private async Task StartPageTokenAsync(HttpContext context)
    {
        long next;
        lock (state.Gate)
        {
            next = state.NextChangeId;
        }

        await WriteJsonAsync(context, new JsonObject { ["kind"] = "drive#startPageToken", ["startPageToken"] = next.ToString(CultureInfo.InvariantCulture) }, null);
    }

    private async Task ChangesAsync(HttpContext context)
    {
        var query = context.Request.Query;
        string? token = query["pageToken"];
        if (string.IsNullOrEmpty(token))
        {
            throw new DriveError(400, "global", "required", "Required parameter: pageToken", "pageToken");
        }

        int pageSize = PageSize(query["pageSize"], 100, 1000);
        var spaces = Spaces(query["spaces"]);
        bool includeRemoved = query["includeRemoved"] != "false";
        JsonObject page;
        lock (state.Gate)
        {
            if (!long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out long from) || from < 1 || from > state.NextChangeId)
            {
                throw DriveError.Invalid("pageToken", $"Invalid Value: pageToken '{token}' was not issued by this drive.");
            }

            var changes = new JsonArray();
            long next = from;

            // Drive lists a file once, at its latest change, with its state now.
            var latest = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var change in state.Changes)
            {
                latest[change.FileId] = change.Id;
            }

            foreach (var change in state.Changes.Where(c => c.Id >= from))
            {
                if (changes.Count == pageSize)
                {
                    break;
                }

                next = change.Id + 1;
                if (latest[change.FileId] != change.Id || !spaces.Contains(change.Space) || change.FileId == state.RootId || change.FileId == state.AppDataId)
                {
                    continue;
                }

                bool removed = change.Removed || !state.Files.ContainsKey(change.FileId);
                if (removed && !includeRemoved)
                {
                    continue;
                }

                var entry = new JsonObject
                {
                    ["kind"] = "drive#change",
                    ["changeType"] = "file",
                    ["time"] = DriveState.Time(change.Time),
                    ["removed"] = removed,
                    ["fileId"] = change.FileId,
                };
                if (!removed)
                {
                    entry["file"] = DriveState.ToJson(state.Files[change.FileId]);
                }

                changes.Add(entry);
            }

            bool more = state.Changes.Any(c => c.Id >= next);
            page = new JsonObject { ["kind"] = "drive#changeList", ["changes"] = changes };
            page[more ? "nextPageToken" : "newStartPageToken"] = (more ? next : state.NextChangeId).ToString(CultureInfo.InvariantCulture);
        }

        await WriteJsonAsync(context, page, "kind,nextPageToken,newStartPageToken,changes(kind,changeType,time,removed,fileId,file(kind,id,name,mimeType))");
    }

    private static HashSet<string> Spaces(string? value)
    {
        var spaces = (string.IsNullOrEmpty(value) ? DriveState.DriveSpace : value).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        foreach (var space in spaces)
        {
            if (space is not (DriveState.DriveSpace or DriveState.AppDataSpace or "photos"))
            {
                throw DriveError.Invalid("spaces", $"Invalid Value: unknown space '{space}'.");
            }
        }

        return spaces;
    }

    private static int PageSize(string? value, int fallback, int max)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int size) && size >= 1 && size <= max
            ? size
            : throw DriveError.Invalid("pageSize", $"Invalid Value: pageSize must be between 1 and {max}.");
    }

    private static List<(string Field, bool Descending)> Order(string? orderBy)
    {
        var order = new List<(string, bool)>();
        foreach (var part in (orderBy ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!SortableFields.Contains(words[0]) || words.Length > 2 || (words.Length == 2 && words[1] != "desc"))
            {
                throw DriveError.Invalid("orderBy", $"Invalid Value: cannot sort by '{part}'.");
            }

            order.Add((words[0], words.Length == 2));
        }

        if (order.Count == 0)
        {
            order.Add(("name", false));
        }

        return order;
    }

    /// <summary>The values a file sorts by, as strings that compare ordinally in the right order, then its id (the tie-break that makes page tokens exact).</summary>
    private static string[] SortKey(DriveFile file, List<(string Field, bool Descending)> order)
    {
        var key = new string[order.Count + 1];
        for (int i = 0; i < order.Count; i++)
        {
            key[i] = order[i].Field switch
            {
                "name" or "name_natural" => file.Name,
                "modifiedTime" or "recency" => file.ModifiedTime.UtcTicks.ToString("D20", CultureInfo.InvariantCulture),
                "modifiedByMeTime" => file.ModifiedByMeTime.UtcTicks.ToString("D20", CultureInfo.InvariantCulture),
                "createdTime" => file.CreatedTime.UtcTicks.ToString("D20", CultureInfo.InvariantCulture),
                "folder" => file.IsFolder ? "0" : "1",
                "quotaBytesUsed" => file.Size.ToString("D20", CultureInfo.InvariantCulture),
                _ => "",
            };
        }

        key[^1] = file.Id;
        return key;
    }

    private static int CompareKeys(string[] a, string[] b, List<(string Field, bool Descending)> order)
    {
        for (int i = 0; i < a.Length; i++)
        {
            int c = string.CompareOrdinal(a[i], b[i]);
            if (c != 0)
            {
                return i < order.Count && order[i].Descending ? -c : c;
            }
        }

        return 0;
    }

    private static string EncodeToken(string[] key) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(key))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string[] DecodeToken(string token, int length)
    {
        try
        {
            string base64 = token.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - (base64.Length % 4)) % 4);
            var key = JsonSerializer.Deserialize<string[]>(Convert.FromBase64String(base64));
            if (key is not null && key.Length == length)
            {
                return key;
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
        }

        throw DriveError.Invalid("pageToken", $"Invalid Value: pageToken '{token}' was not issued for this query.");
    }
}
