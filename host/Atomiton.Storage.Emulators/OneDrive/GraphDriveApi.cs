using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Atomiton.Storage.Emulators.OneDrive;

/// <summary>
/// The driveItem API below <c>/v1.0</c>, from the Graph v1.0 reference: drive, item by id, <c>root</c>,
/// <c>special/approot</c>, <c>:/path:</c> addressing (percent-encoded), children with <c>$top</c> and
/// <c>@odata.nextLink</c>, content (302), PUT content, createUploadSession, copy (monitored), PATCH (rename,
/// move, fileSystemInfo), DELETE, delta (<c>delta</c>, <c>delta()</c>, <c>delta(token='…')</c>, <c>?token=</c>)
/// and <c>$batch</c>. Conflict behaviour from the query (PUT, PATCH, copy) or the body (createUploadSession,
/// children), If-Match against eTag or cTag (412).
/// </summary>
internal sealed class GraphDriveApi(GraphDriveStore store, Func<Uri> apiBase, Func<Uri> contentBase)
{
    private const int MaxNameLength = 255;
    private const int MaxPathLength = 400;
    private static readonly System.Buffers.SearchValues<char> ForbiddenCharacters = System.Buffers.SearchValues.Create("\"*:<>?/\\|");
    private static readonly string[] ReservedNames = [".lock", "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "desktop.ini"];

    public GraphResult Dispatch(GraphCall call)
    {
        try
        {
            lock (store.Gate)
            {
                return Route(call);
            }
        }
        catch (GraphFailure failure)
        {
            return Error(failure.Status, failure.Code, failure.Message);
        }
        catch (JsonException e)
        {
            return Error(400, "invalidRequest", "The request body is not valid JSON: " + e.Message);
        }
    }

    public GraphResult Error(int status, string code, string message) => GraphResult.Json(status, GraphDriveJson.Error(code, message, store.Now));

    private GraphResult Route(GraphCall call)
    {
        string path = call.Path;
        if (path.StartsWith("/me/drive", StringComparison.Ordinal))
        {
            path = "/drives/" + store.DriveId + path["/me/drive".Length..];
        }

        if (!path.StartsWith("/drives/", StringComparison.Ordinal))
        {
            throw new GraphFailure(400, "invalidRequest", $"Unsupported segment in '{call.Path}': this emulator serves /me/drive, /drives/{{id}} and $batch.");
        }

        string rest = path["/drives/".Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string driveId = Uri.UnescapeDataString(slash < 0 ? rest : rest[..slash]);
        rest = slash < 0 ? "" : rest[slash..];
        if (driveId != store.DriveId)
        {
            throw new GraphFailure(404, "itemNotFound", $"Drive '{driveId}' does not exist.");
        }

        if (rest.Length == 0)
        {
            return call.Method == "GET" ? GraphResult.Json(200, GraphDriveJson.Drive(store)) : NotAllowed(call);
        }

        GraphDriveItem baseItem;
        if (rest.StartsWith("/root", StringComparison.Ordinal))
        {
            baseItem = store.Root;
            rest = rest["/root".Length..];
        }
        else if (rest.StartsWith("/special/approot", StringComparison.Ordinal))
        {
            baseItem = store.AppFolder;
            rest = rest["/special/approot".Length..];
        }
        else if (rest.StartsWith("/items/", StringComparison.Ordinal))
        {
            rest = rest["/items/".Length..];
            int end = rest.IndexOfAny(['/', ':']);
            string id = Uri.UnescapeDataString(end < 0 ? rest : rest[..end]);
            rest = end < 0 ? "" : rest[end..];
            baseItem = id == "root" ? store.Root : store.Items.GetValueOrDefault(id) ?? throw new GraphFailure(404, "itemNotFound", $"Item '{id}' does not exist.");
        }
        else
        {
            throw new GraphFailure(400, "invalidRequest", $"Unsupported segment in '{call.Path}'.");
        }

        IReadOnlyList<string> segments = [];
        if (rest.StartsWith(':'))
        {
            int close = rest.IndexOf(':', 1);
            string addressed = close < 0 ? rest[1..] : rest[1..close];
            rest = close < 0 ? "" : rest[(close + 1)..];
            segments = [.. addressed.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString)];
        }

        string action = rest.TrimStart('/');
        string? deltaToken = null;
        if (action.StartsWith("delta", StringComparison.Ordinal))
        {
            deltaToken = DeltaTokenOf(action, call.Query);
            action = "delta";
        }

        return (call.Method, action) switch
        {
            ("GET", "") => GraphResult.Json(200, ItemJson(Resolve(baseItem, segments))),
            ("PATCH", "") => Patch(call, Resolve(baseItem, segments)),
            ("DELETE", "") => Delete(call, Resolve(baseItem, segments)),
            ("GET", "children") => Children(call, Resolve(baseItem, segments)),
            ("POST", "children") => CreateFolder(call, Resolve(baseItem, segments)),
            ("GET", "content") => Download(Resolve(baseItem, segments)),
            ("PUT", "content") => Upload(call, baseItem, segments),
            ("POST", "createUploadSession") => CreateUploadSession(call, baseItem, segments),
            ("POST", "copy") => Copy(call, Resolve(baseItem, segments)),
            ("GET", "delta") => Delta(Resolve(baseItem, segments), deltaToken, call.Path, call.Query.TryGetValue("$top", out var top) && int.TryParse(top, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : null),
            _ => NotAllowed(call),
        };
    }

    private static GraphResult NotAllowed(GraphCall call) =>
        throw new GraphFailure(405, "invalidRequest", $"{call.Method} is not supported on '{call.Path}'.");

    private JsonObject ItemJson(GraphDriveItem item) => GraphDriveJson.Item(store, item, item.IsFolder ? null : DownloadUrl(item));

    private static GraphDriveItem Resolve(GraphDriveItem baseItem, IReadOnlyList<string> segments)
    {
        var item = baseItem;
        foreach (var segment in segments)
        {
            if (!item.IsFolder || !item.Children.TryGetValue(segment, out var child))
            {
                throw new GraphFailure(404, "itemNotFound", $"The resource '{string.Join('/', segments)}' could not be found.");
            }

            item = child;
        }

        return item;
    }

    /// <summary>The parent folder of a path being written, creating missing folders as an upload by path does.</summary>
    private (GraphDriveItem Parent, string Name) ParentFor(GraphDriveItem baseItem, IReadOnlyList<string> segments, bool create)
    {
        if (segments.Count == 0)
        {
            throw new GraphFailure(400, "invalidRequest", "A file name is required after the ':' of a path address.");
        }

        var parent = baseItem;
        foreach (var segment in segments.Take(segments.Count - 1))
        {
            CheckName(segment);
            if (parent.Children.TryGetValue(segment, out var child))
            {
                if (!child.IsFolder)
                {
                    throw new GraphFailure(409, "nameAlreadyExists", $"'{child.Name}' is a file, so it cannot hold '{segments[^1]}'.");
                }

                parent = child;
            }
            else if (create)
            {
                parent = store.CreateFolder(parent, segment, store.Now);
            }
            else
            {
                throw new GraphFailure(404, "itemNotFound", $"The folder '{segment}' does not exist.");
            }
        }

        CheckName(segments[^1]);
        int length = parent.PathBelowRoot.TrimStart('/').Length + 1 + segments[^1].Length;
        if (length > MaxPathLength)
        {
            throw new GraphFailure(400, "invalidRequest", $"The path is {length} characters long; OneDrive allows {MaxPathLength}.");
        }

        return (parent, segments[^1]);
    }

    private static void CheckName(string name)
    {
        if (name.Length == 0 || name.Length > MaxNameLength)
        {
            throw new GraphFailure(400, "invalidRequest", $"The name '{name}' must have 1 to {MaxNameLength} characters.");
        }

        if (name.IndexOfAny(ForbiddenCharacters) >= 0 || name[0] == ' ' || name[^1] == ' ' || name[^1] == '.'
            || ReservedNames.Contains(name, StringComparer.OrdinalIgnoreCase)
            || ReservedNames.Any(r => r.Length <= 4 && r[0] != '.' && name.StartsWith(r + ".", StringComparison.OrdinalIgnoreCase)))
        {
            throw new GraphFailure(400, "invalidRequest", $"The name '{name}' contains characters or a form OneDrive does not allow.");
        }
    }

    private static void CheckIfMatch(GraphCall call, GraphDriveItem? item)
    {
        if (call.Header("If-Match") is { Length: > 0 } condition && (item is null || !item.Matches(condition)))
        {
            throw new GraphFailure(412, "preconditionFailed", "The resource has changed since the caller last read it (If-Match did not match).");
        }
    }

    private static string ConflictBehavior(GraphCall call, string fallback, string? fromBody = null)
    {
        string behavior = fromBody ?? call.Query.GetValueOrDefault("@microsoft.graph.conflictBehavior") ?? fallback;
        return behavior is "fail" or "replace" or "rename"
            ? behavior
            : throw new GraphFailure(400, "invalidRequest", $"@microsoft.graph.conflictBehavior must be fail, replace or rename, not '{behavior}'.");
    }

    /// <summary>Where a write named <paramref name="name"/> in <paramref name="parent"/> lands under <paramref name="behavior"/>: the name to use and the item it replaces.</summary>
    private static (string Name, GraphDriveItem? Replaced) Place(GraphDriveItem parent, string name, string behavior, bool asFolder)
    {
        if (!parent.Children.TryGetValue(name, out var existing))
        {
            return (name, null);
        }

        switch (behavior)
        {
            case "fail":
                throw new GraphFailure(409, "nameAlreadyExists", $"An item named '{existing.Name}' already exists in this folder.");
            case "rename":
                string stem = Path.GetFileNameWithoutExtension(name), extension = Path.GetExtension(name);
                for (int i = 1; ; i++)
                {
                    string candidate = string.Create(CultureInfo.InvariantCulture, $"{stem} {i}{extension}");
                    if (!parent.Children.ContainsKey(candidate))
                    {
                        return (candidate, null);
                    }
                }

            default:
                if (existing.IsFolder != asFolder)
                {
                    throw new GraphFailure(409, "nameAlreadyExists", $"'{existing.Name}' is a {(existing.IsFolder ? "folder" : "file")}; a {(asFolder ? "folder" : "file")} cannot replace it.");
                }

                return (existing.Name, existing);
        }
    }

    private void CheckQuota(long adding, long removing)
    {
        if (store.Used + adding - removing > store.Options.QuotaTotal)
        {
            throw new GraphFailure(507, "quotaLimitReached", $"Insufficient space: the drive's quota of {store.Options.QuotaTotal} bytes would be exceeded.");
        }
    }

    private GraphResult Upload(GraphCall call, GraphDriveItem baseItem, IReadOnlyList<string> segments)
    {
        var body = ReadBody(call.Body, store.Options.MaxSimpleUploadBytes);
        string? mime = call.Header("Content-Type") is { Length: > 0 } type && type != "application/octet-stream" ? type : null;
        if (segments.Count == 0 && !ReferenceEquals(baseItem, store.Root) && !baseItem.IsFolder)
        {
            // PUT /items/{id}/content: replace that file's content.
            CheckIfMatch(call, baseItem);
            CheckQuota(body.LongLength, baseItem.Content.LongLength);
            store.SetContent(baseItem, body, mime);
            return GraphResult.Json(200, ItemJson(baseItem));
        }

        var (parent, name) = ParentFor(baseItem, segments, create: true);
        var existing = parent.Children.GetValueOrDefault(name);
        CheckIfMatch(call, existing);
        return Commit(parent, name, ConflictBehavior(call, "replace"), body, mime);
    }

    private GraphResult Commit(GraphDriveItem parent, string name, string behavior, byte[] content, string? mime)
    {
        var (finalName, replaced) = Place(parent, name, behavior, asFolder: false);
        CheckQuota(content.LongLength, replaced?.Content.LongLength ?? 0);
        if (replaced is not null)
        {
            store.SetContent(replaced, content, mime);
            return GraphResult.Json(200, ItemJson(replaced));
        }

        return GraphResult.Json(201, ItemJson(store.CreateFile(parent, finalName, content, mime)));
    }

    /// <summary>Completes an upload session with its received bytes.</summary>
    public GraphResult CompleteUpload(GraphUploadSession session)
    {
        lock (store.Gate)
        {
            try
            {
                store.UploadSessions.Remove(session.Id);
                if (!store.Items.ContainsKey(session.Parent.Id))
                {
                    throw new GraphFailure(404, "itemNotFound", "The upload's folder was deleted meanwhile.");
                }

                var existing = session.Parent.Children.GetValueOrDefault(session.Name);
                if (session.IfMatch is { } condition && (existing is null || !existing.Matches(condition)))
                {
                    throw new GraphFailure(412, "preconditionFailed", "The resource has changed since the upload session was created (If-Match did not match).");
                }

                byte[] content = session.Received.Length == session.Received.Capacity ? session.Received.GetBuffer() : session.Received.ToArray();
                return Commit(session.Parent, session.Name, session.ConflictBehavior, content, null);
            }
            catch (GraphFailure failure)
            {
                return Error(failure.Status, failure.Code, failure.Message);
            }
        }
    }

    private GraphResult CreateUploadSession(GraphCall call, GraphDriveItem baseItem, IReadOnlyList<string> segments)
    {
        var body = JsonNode.Parse(ReadBody(call.Body, 1024 * 1024) is { Length: > 0 } bytes ? bytes : "{}"u8.ToArray())?["item"];
        string? behaviorInBody = body?["@microsoft.graph.conflictBehavior"]?.GetValue<string>();
        long? size = body?["fileSize"]?.GetValue<long>();
        GraphDriveItem parent;
        string name;
        if (segments.Count == 0 && !baseItem.IsFolder)
        {
            parent = baseItem.Parent!;
            name = baseItem.Name;
        }
        else
        {
            (parent, name) = ParentFor(baseItem, segments, create: true);
        }

        string behavior = ConflictBehavior(call, "replace", behaviorInBody);
        var existing = parent.Children.GetValueOrDefault(name);
        CheckIfMatch(call, existing);
        if (behavior == "fail" && existing is not null)
        {
            throw new GraphFailure(409, "nameAlreadyExists", $"An item named '{existing.Name}' already exists in this folder.");
        }

        if (size is { } declared)
        {
            CheckQuota(declared, existing?.Content.LongLength ?? 0);
        }

        var session = new GraphUploadSession
        {
            Id = GraphDriveStore.NewToken(),
            Parent = parent,
            Name = name,
            ConflictBehavior = behavior,
            IfMatch = call.Header("If-Match"),
            DeclaredSize = size,
            ExpiresAt = store.Now + store.Options.UploadSessionLifetime,
        };
        store.UploadSessions[session.Id] = session;
        return GraphResult.Json(200, GraphDriveJson.UploadStatus(session, new Uri(contentBase(), "upload/" + session.Id).ToString()));
    }

    private GraphResult Download(GraphDriveItem item)
    {
        if (item.IsFolder)
        {
            throw new GraphFailure(400, "invalidRequest", $"'{item.Name}' is a folder; only files have content.");
        }

        return GraphResult.Empty(302).With("Location", DownloadUrl(item));
    }

    private string DownloadUrl(GraphDriveItem item)
    {
        string token = item.Id + "." + item.ContentVersion.ToString(CultureInfo.InvariantCulture);
        store.Downloads[token] = item;
        return new Uri(contentBase(), "download/" + Uri.EscapeDataString(token)).ToString();
    }

    private GraphResult Children(GraphCall call, GraphDriveItem folder)
    {
        if (!folder.IsFolder)
        {
            throw new GraphFailure(400, "invalidRequest", $"'{folder.Name}' is a file; only folders have children.");
        }

        int top = call.Query.TryGetValue("$top", out var t) && int.TryParse(t, CultureInfo.InvariantCulture, out int parsed) ? Math.Clamp(parsed, 1, 1000) : store.Options.ChildrenPageSize;
        int skip = call.Query.TryGetValue("$skiptoken", out var s) && int.TryParse(s, CultureInfo.InvariantCulture, out int offset) ? offset : 0;
        var ordered = folder.Children.Values.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
        var page = new JsonArray([.. ordered.Skip(skip).Take(top).Select(c => (JsonNode)ItemJson(c))]);
        var json = new JsonObject { ["value"] = page };
        if (skip + top < ordered.Count)
        {
            json["@odata.nextLink"] = new Uri(apiBase(), "v1.0" + call.Path + "?$top=" + top.ToString(CultureInfo.InvariantCulture) + "&$skiptoken=" + (skip + top).ToString(CultureInfo.InvariantCulture)).ToString();
        }

        return GraphResult.Json(200, json);
    }

    private GraphResult CreateFolder(GraphCall call, GraphDriveItem parent)
    {
        var body = JsonNode.Parse(ReadBody(call.Body, 1024 * 1024)) ?? throw new GraphFailure(400, "invalidRequest", "A body with a name and a folder facet is required.");
        string name = body["name"]?.GetValue<string>() ?? throw new GraphFailure(400, "invalidRequest", "The new folder's name is required.");
        CheckName(name);
        string behavior = ConflictBehavior(call, "fail", body["@microsoft.graph.conflictBehavior"]?.GetValue<string>());
        var (finalName, replaced) = Place(parent, name, behavior, asFolder: true);
        if (replaced is not null)
        {
            return GraphResult.Json(200, ItemJson(replaced));
        }

        return GraphResult.Json(201, ItemJson(store.CreateFolder(parent, finalName, store.Now)));
    }

    private GraphResult Delete(GraphCall call, GraphDriveItem item)
    {
        if (item.Parent is null || ReferenceEquals(item, store.AppFolder))
        {
            throw new GraphFailure(403, "accessDenied", "The root and the app folder cannot be deleted.");
        }

        CheckIfMatch(call, item);
        store.Detach(item);
        return GraphResult.Empty(204);
    }

    private GraphResult Patch(GraphCall call, GraphDriveItem item)
    {
        var body = JsonNode.Parse(ReadBody(call.Body, 1024 * 1024)) ?? new JsonObject();
        CheckIfMatch(call, item);
        string? name = body["name"]?.GetValue<string>();
        string? parentId = body["parentReference"]?["id"]?.GetValue<string>();
        if (name is not null || parentId is not null)
        {
            if (item.Parent is null || ReferenceEquals(item, store.AppFolder))
            {
                throw new GraphFailure(403, "accessDenied", "The root and the app folder cannot be moved.");
            }

            var target = parentId is null ? item.Parent : store.Items.GetValueOrDefault(parentId) ?? throw new GraphFailure(404, "itemNotFound", $"The destination folder '{parentId}' does not exist.");
            if (!target.IsFolder || target.IsWithin(item))
            {
                throw new GraphFailure(400, "invalidRequest", "The destination must be a folder outside the item moved.");
            }

            string newName = name ?? item.Name;
            CheckName(newName);
            if (!(ReferenceEquals(target, item.Parent) && string.Equals(newName, item.Name, StringComparison.OrdinalIgnoreCase)))
            {
                var (finalName, replaced) = Place(target, newName, ConflictBehavior(call, "fail"), item.IsFolder);
                if (replaced is not null)
                {
                    store.Detach(replaced);
                }

                item.Parent.Children.Remove(item.Name);
                store.Touch(item.Parent);
                item.Name = finalName;
                store.Attach(target, item);
            }
            else
            {
                item.Parent.Children.Remove(item.Name);
                item.Name = newName;
                item.Parent.Children[newName] = item;
            }
        }

        if (body["fileSystemInfo"] is JsonObject info)
        {
            if (info["lastModifiedDateTime"]?.GetValue<string>() is { } modified)
            {
                item.FileSystemModified = DateTimeOffset.Parse(modified, CultureInfo.InvariantCulture);
            }

            if (info["createdDateTime"]?.GetValue<string>() is { } created)
            {
                item.FileSystemCreated = DateTimeOffset.Parse(created, CultureInfo.InvariantCulture);
            }
        }

        item.Version++;
        item.Modified = store.Now;
        store.Touch(item);
        return GraphResult.Json(200, ItemJson(item));
    }

    private GraphResult Copy(GraphCall call, GraphDriveItem source)
    {
        var body = JsonNode.Parse(ReadBody(call.Body, 1024 * 1024)) ?? new JsonObject();
        string? parentId = body["parentReference"]?["id"]?.GetValue<string>();
        var target = parentId is null ? source.Parent! : store.Items.GetValueOrDefault(parentId) ?? throw new GraphFailure(404, "itemNotFound", $"The destination folder '{parentId}' does not exist.");
        string name = body["name"]?.GetValue<string>() ?? source.Name;
        CheckName(name);
        string behavior = ConflictBehavior(call, "fail");
        GraphCopyMonitor monitor;
        try
        {
            var (finalName, replaced) = Place(target, name, behavior, source.IsFolder);
            if (ReferenceEquals(replaced, source))
            {
                throw new GraphFailure(400, "invalidRequest", "An item cannot be copied onto itself.");
            }

            CheckQuota(source.Size, replaced?.Size ?? 0);
            if (replaced is not null)
            {
                store.Detach(replaced);
            }

            monitor = new GraphCopyMonitor { ResourceId = store.CopyOf(source, target, finalName).Id };
        }
        catch (GraphFailure failure)
        {
            // The service reports a copy's failure through its monitor, not the request.
            monitor = new GraphCopyMonitor { ErrorCode = failure.Code, ErrorMessage = failure.Message };
        }

        string id = GraphDriveStore.NewToken();
        store.CopyMonitors[id] = monitor;
        return GraphResult.Empty(202).With("Location", new Uri(contentBase(), "monitor/" + id).ToString());
    }

    private static string? DeltaTokenOf(string action, IReadOnlyDictionary<string, string> query)
    {
        const string open = "delta(token='";
        if (action.StartsWith(open, StringComparison.Ordinal) && action.EndsWith("')", StringComparison.Ordinal))
        {
            return Uri.UnescapeDataString(action[open.Length..^2]);
        }

        return query.GetValueOrDefault("token");
    }

    private GraphResult Delta(GraphDriveItem scope, string? token, string path, int? top)
    {
        if (!scope.IsFolder)
        {
            throw new GraphFailure(400, "invalidRequest", "delta applies to folders.");
        }

        string basePath = path[..path.LastIndexOf("/delta", StringComparison.Ordinal)] + "/delta";
        int pageSize = Math.Min(top ?? store.Options.DeltaPageSize, store.Options.DeltaPageSize);
        string Link(long sequence) => new Uri(apiBase(), "v1.0" + basePath + "?token=" + sequence.ToString(CultureInfo.InvariantCulture)
            + (top is { } t ? "&$top=" + t.ToString(CultureInfo.InvariantCulture) : "")).ToString();
        if (token == "latest")
        {
            return GraphResult.Json(200, new JsonObject { ["value"] = new JsonArray(), ["@odata.deltaLink"] = Link(store.Sequence) });
        }

        long after = 0;
        if (token is not null && !long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            throw new GraphFailure(400, "invalidRequest", $"The delta token '{token}' is not one this drive issued.");
        }

        if (token is not null && after < store.OldestDeltaSequence)
        {
            throw new GraphFailure(410, "resyncRequired", "The delta token has expired; start again without a token and reconcile with the full state.");
        }

        var changes = store.Items.Values.Where(i => i.ChangeSequence > after && i.IsWithin(scope)).Select(i => (Sequence: i.ChangeSequence, Node: (JsonNode)ItemJson(i)))
            .Concat(store.Tombstones.Where(t => t.Sequence > after && t.Item.IsWithin(scope) && !store.Items.ContainsKey(t.Item.Id)).Select(t => (t.Sequence, Node: (JsonNode)GraphDriveJson.Deleted(store, t.Item))))
            .OrderBy(c => c.Sequence)
            .Take(pageSize + 1)
            .ToList();
        bool more = changes.Count > pageSize;
        if (more)
        {
            changes.RemoveAt(changes.Count - 1);
        }

        var json = new JsonObject { ["value"] = new JsonArray([.. changes.Select(c => c.Node)]) };
        json[more ? "@odata.nextLink" : "@odata.deltaLink"] = Link(more ? changes[^1].Sequence : store.Sequence);
        return GraphResult.Json(200, json);
    }

    internal static byte[] ReadBody(Stream body, long limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = body.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new GraphFailure(413, "requestTooLarge", $"The request body exceeds {limit} bytes; use an upload session.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

/// <summary>An error answer, with Graph's code.</summary>
internal sealed class GraphFailure(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;
}
