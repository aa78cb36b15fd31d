using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>
/// The Drive v3 REST surface, dispatched by hand so that every request goes through the same
/// authentication, scripted faults, gzip decoding, error shape and request log.
/// </summary>
internal sealed partial class DriveApi(DriveState state, DriveFaults faults, DriveRequestLog log)
{
    private const string FileDefaultFields = "kind,id,name,mimeType";
    private const string CutKey = "atomiton.gdrive.cut";

    private const string EntryKey = "atomiton.gdrive.log-entry";

    /// <summary>Cuts the connection (a scripted fault), so the request is logged as unanswered.</summary>
    private static void Cut(HttpContext context)
    {
        context.Items[CutKey] = true;
        (context.Items[EntryKey] as DriveRequestLog.Entry)?.Answer(0);
        context.Abort();
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        // Entered on arrival, answered when the response starts: both happen before the client sees an answer.
        var entry = log.Begin(request.Method, request.Path + request.QueryString, state.Now);
        context.Items[EntryKey] = entry;
        context.Response.OnStarting(() =>
        {
            if (!context.Items.ContainsKey(CutKey))
            {
                entry.Answer(context.Response.StatusCode);
            }

            return Task.CompletedTask;
        });
        int status = 0;
        try
        {
            Authenticate(request);
            var target = TargetOf(request);
            var fault = faults.Take(target, request.Path + request.QueryString);
            if (fault is not null && ApplyFault(context, fault, target))
            {
                return;
            }

            await RouteAsync(context, target == DriveFaultTarget.UploadChunk ? fault : null);
            status = context.Response.StatusCode;
        }
        catch (DriveError e)
        {
            status = e.Status;
            await WriteErrorAsync(context.Response, e);
        }
        catch (Exception e) when (e is ConnectionAbortedException or IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client went away (or the fault cut it): nothing to answer.
            status = 0;
        }
        finally
        {
            bool cut = context.RequestAborted.IsCancellationRequested || context.Items.ContainsKey(CutKey);
            entry.Answer(cut ? 0 : status);
        }
    }

    private void Authenticate(HttpRequest request)
    {
        string header = request.Headers.Authorization.ToString();
        string? token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        token ??= request.Query["oauth_token"].ToString() is { Length: > 0 } q ? q : null;
        if (token is null || (state.Options.AcceptsToken is { } accepts && !accepts(token)))
        {
            throw DriveError.Unauthorized();
        }
    }

    private static DriveFaultTarget TargetOf(HttpRequest request)
    {
        string path = request.Path.Value ?? "";
        if (path.StartsWith("/upload/", StringComparison.Ordinal))
        {
            if (request.Query.ContainsKey("upload_id"))
            {
                return request.Headers.ContentRange.ToString().StartsWith("bytes */", StringComparison.Ordinal) ? DriveFaultTarget.Metadata : DriveFaultTarget.UploadChunk;
            }

            return DriveFaultTarget.UploadStart;
        }

        return request.Query["alt"] == "media" ? DriveFaultTarget.Download : DriveFaultTarget.Metadata;
    }

    /// <summary>Applies a fault; true when it answered (or cut) the request, false when the request goes on (a chunk to cut midway, an expired session).</summary>
    private bool ApplyFault(HttpContext context, DriveFault fault, DriveFaultTarget target)
    {
        switch (fault.Kind)
        {
            case DriveFaultKind.DropConnection when target == DriveFaultTarget.UploadChunk:
                return false;
            case DriveFaultKind.DropConnection:
                Cut(context);
                return true;
            case DriveFaultKind.ExpireUploadSession:
                ExpireSession(context.Request.Query["upload_id"].ToString());
                return false;
            default:
                var error = fault.Kind switch
                {
                    DriveFaultKind.UserRateLimitExceeded => DriveError.UserRateLimit(),
                    DriveFaultKind.RateLimitExceeded => DriveError.RateLimit(),
                    DriveFaultKind.TooManyRequests => DriveError.TooManyRequests(),
                    DriveFaultKind.ServiceUnavailable => DriveError.Backend(503),
                    DriveFaultKind.StorageQuotaExceeded => DriveError.QuotaExceeded(),
                    DriveFaultKind.InvalidCredentials => DriveError.Unauthorized(),
                    _ => DriveError.Backend(500),
                };
                throw fault.RetryAfter is { } wait ? new DriveError(error.Status, "usageLimits", error.Reason, error.Message) { RetryAfter = wait } : error;
        }
    }

    private void ExpireSession(string id)
    {
        lock (state.Gate)
        {
            if (state.Sessions.Remove(id, out var session))
            {
                session.Content.Discard();
            }
        }
    }

    private async Task RouteAsync(HttpContext context, DriveFault? chunkFault)
    {
        var request = context.Request;
        string path = request.Path.Value ?? "";
        string method = request.Method;
        if (path.StartsWith("/upload/drive/v3/files", StringComparison.Ordinal))
        {
            string rest = path["/upload/drive/v3/files".Length..].Trim('/');
            string? fileId = rest.Length == 0 ? null : Uri.UnescapeDataString(rest);
            if (request.Query.ContainsKey("upload_id") && method is "PUT" or "POST" or "PATCH")
            {
                await UploadChunkAsync(context, request.Query["upload_id"].ToString(), chunkFault);
                return;
            }

            if ((method == "POST" && fileId is null) || (method is "PATCH" or "PUT" && fileId is not null))
            {
                await StartUploadAsync(context, fileId);
                return;
            }
        }
        else if (path.StartsWith("/drive/v3/", StringComparison.Ordinal))
        {
            string[] parts = path["/drive/v3/".Length..].Trim('/').Split('/');
            switch (parts, method)
            {
                case (["about"], "GET"):
                    await AboutAsync(context);
                    return;
                case (["files"], "GET"):
                    await ListAsync(context);
                    return;
                case (["files"], "POST"):
                    await CreateMetadataOnlyAsync(context);
                    return;
                case (["files", "generateIds"], "GET"):
                    await GenerateIdsAsync(context);
                    return;
                case (["files", "trash"], "DELETE"):
                    EmptyTrash(context);
                    return;
                case (["files", var id], "GET"):
                    await GetAsync(context, Uri.UnescapeDataString(id));
                    return;
                case (["files", var id], "PATCH" or "PUT"):
                    await UpdateMetadataAsync(context, Uri.UnescapeDataString(id));
                    return;
                case (["files", var id], "DELETE"):
                    Delete(context, Uri.UnescapeDataString(id));
                    return;
                case (["files", var id, "copy"], "POST"):
                    await CopyAsync(context, Uri.UnescapeDataString(id));
                    return;
                case (["changes", "startPageToken"], "GET"):
                    await StartPageTokenAsync(context);
                    return;
                case (["changes"], "GET"):
                    await ChangesAsync(context);
                    return;
            }
        }

        throw new DriveError(404, "global", "notFound", $"The requested URL {method} {path} was not found on this server.");
    }

    private async Task AboutAsync(HttpContext context)
    {
        if (string.IsNullOrEmpty(context.Request.Query["fields"]))
        {
            throw new DriveError(400, "global", "required", "The 'fields' parameter is required for this method.", "fields");
        }

        JsonObject about;
        lock (state.Gate)
        {
            long used = state.UsedBytes;
            long trashed = state.Files.Values.Where(f => f.Trashed).Sum(f => f.Size);
            about = new JsonObject
            {
                ["kind"] = "drive#about",
                ["user"] = new JsonObject { ["kind"] = "drive#user", ["displayName"] = "Emulated User", ["emailAddress"] = "user@example.test", ["me"] = true, ["permissionId"] = "00000000000000000001" },
                ["storageQuota"] = new JsonObject
                {
                    ["limit"] = state.Options.QuotaBytes.ToString(CultureInfo.InvariantCulture),
                    ["usage"] = used.ToString(CultureInfo.InvariantCulture),
                    ["usageInDrive"] = used.ToString(CultureInfo.InvariantCulture),
                    ["usageInDriveTrash"] = trashed.ToString(CultureInfo.InvariantCulture),
                },
                ["maxUploadSize"] = (5L * 1024 * 1024 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
                ["appInstalled"] = true,
            };
        }

        await WriteJsonAsync(context, about, null);
    }

    private async Task GetAsync(HttpContext context, string id)
    {
        if (context.Request.Query["alt"] == "media")
        {
            await DownloadAsync(context, id);
            return;
        }

        JsonObject json;
        lock (state.Gate)
        {
            json = DriveState.ToJson(state.Get(id));
        }

        await WriteJsonAsync(context, json, FileDefaultFields);
    }

    private async Task DownloadAsync(HttpContext context, string id)
    {
        string? path;
        long size;
        string mimeType;
        lock (state.Gate)
        {
            var file = state.Get(id);
            if (file.IsFolder)
            {
                throw new DriveError(403, "global", "fileNotDownloadable", "Only files with binary content can be downloaded. Use Export with Docs Editors files.", "alt");
            }

            (path, size, mimeType) = (file.ContentPath, file.Size, file.MimeType);
        }

        var response = context.Response;
        long start = 0;
        long length = size;
        string range = context.Request.Headers.Range.ToString();
        if (range.Length > 0)
        {
            if (!TryParseRange(range, size, out start, out length))
            {
                response.Headers.ContentRange = $"bytes */{size}";
                throw new DriveError(416, "global", "requestedRangeNotSatisfiable", "Request range not satisfiable", "Range", "header");
            }

            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {start}-{start + length - 1}/{size}");
        }

        response.ContentType = mimeType;
        response.ContentLength = length;
        response.Headers.AcceptRanges = "bytes";
        if (length == 0 || path is null)
        {
            return;
        }

        await using var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.Asynchronous);
        content.Seek(start, SeekOrigin.Begin);
        var buffer = new byte[1 << 16];
        long left = length;
        while (left > 0)
        {
            int read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            await response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            left -= read;
        }
    }

    /// <summary>RFC 9110 byte ranges <c>bytes=a-b</c>, <c>bytes=a-</c>, <c>bytes=-n</c>, clamped to the content; false when unsatisfiable.</summary>
    private static bool TryParseRange(string header, long size, out long start, out long length)
    {
        start = 0;
        length = 0;
        if (!header.StartsWith("bytes=", StringComparison.Ordinal) || header.Contains(',', StringComparison.Ordinal))
        {
            length = size;
            return true; // not a single byte range: ignored, as HTTP allows
        }

        string spec = header[6..];
        int dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            length = size;
            return true;
        }

        string first = spec[..dash];
        string last = spec[(dash + 1)..];
        if (first.Length == 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out long suffix) || suffix == 0)
            {
                return false;
            }

            length = Math.Min(suffix, size);
            start = size - length;
            return size > 0;
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start >= size)
        {
            return false;
        }

        long end = size - 1;
        if (last.Length > 0 && (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start))
        {
            return false;
        }

        length = Math.Min(end, size - 1) - start + 1;
        return true;
    }

    private async Task CreateMetadataOnlyAsync(HttpContext context)
    {
        var metadata = await ReadJsonBodyAsync(context.Request) ?? [];
        JsonObject json;
        lock (state.Gate)
        {
            var file = NewFile(metadata, metadata["mimeType"]?.GetValue<string>() ?? "application/octet-stream");
            state.Files[file.Id] = file;
            state.Record(file);
            json = DriveState.ToJson(file);
        }

        await WriteJsonAsync(context, json, FileDefaultFields);
    }

    private static async Task GenerateIdsAsync(HttpContext context)
    {
        int count = int.TryParse(context.Request.Query["count"], CultureInfo.InvariantCulture, out int c) ? Math.Clamp(c, 1, 1000) : 10;
        var ids = new JsonArray([.. Enumerable.Range(0, count).Select(_ => (JsonNode)DriveState.NewId())]);
        await WriteJsonAsync(context, new JsonObject { ["kind"] = "drive#generatedIds", ["space"] = context.Request.Query["space"].ToString() is { Length: > 0 } s ? s : "drive", ["ids"] = ids }, null);
    }

    private void EmptyTrash(HttpContext context)
    {
        lock (state.Gate)
        {
            foreach (var file in state.Files.Values.Where(f => f.Trashed).ToList())
            {
                RemoveLocked(file);
            }
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task UpdateMetadataAsync(HttpContext context, string id)
    {
        var metadata = await ReadJsonBodyAsync(context.Request) ?? [];
        JsonObject json;
        lock (state.Gate)
        {
            var file = state.Get(id);
            ApplyMetadata(file, metadata, isCreate: false);
            MoveParents(file, context.Request.Query["addParents"], context.Request.Query["removeParents"]);
            Touch(file, contentChanged: false);
            json = DriveState.ToJson(file);
        }

        await WriteJsonAsync(context, json, FileDefaultFields);
    }

    private void Delete(HttpContext context, string id)
    {
        lock (state.Gate)
        {
            var file = state.Get(id);
            if (file.Id == state.RootId || file.Id == state.AppDataId)
            {
                throw new DriveError(403, "global", "cannotDeleteRootFolder", "The root folder cannot be deleted.", "fileId");
            }

            RemoveLocked(file);
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>Deletes a file for good, and a folder with everything in it.</summary>
    private void RemoveLocked(DriveFile file)
    {
        foreach (var child in state.Files.Values.Where(f => f.Parents.Contains(file.Id)).ToList())
        {
            RemoveLocked(child);
        }

        state.Files.Remove(file.Id);
        DriveContent.TryDelete(file.ContentPath);
        state.Record(file, removed: true);
    }

    private async Task CopyAsync(HttpContext context, string id)
    {
        var metadata = await ReadJsonBodyAsync(context.Request) ?? [];
        string? source;
        DriveFile copy;
        lock (state.Gate)
        {
            var original = state.Get(id);
            if (original.IsFolder)
            {
                throw new DriveError(403, "global", "fileNotCopyable", "Folders cannot be copied.", "fileId");
            }

            state.CheckQuota(original.Size);
            var given = (JsonObject)metadata.DeepClone();
            given["name"] ??= original.Name;
            given["parents"] ??= new JsonArray([.. original.Parents.Select(p => (JsonNode)p)]);
            copy = NewFile(given, original.MimeType);
            foreach (var (key, value) in original.AppProperties)
            {
                copy.AppProperties.TryAdd(key, value);
            }

            foreach (var (key, value) in original.Properties)
            {
                copy.Properties.TryAdd(key, value);
            }

            copy.Description ??= original.Description;
            if (metadata["modifiedTime"] is null)
            {
                copy.ModifiedTime = original.ModifiedTime;
            }

            (copy.Size, copy.Md5, copy.Sha1, copy.Sha256) = (original.Size, original.Md5, original.Sha1, original.Sha256);
            source = original.ContentPath;
        }

        if (source is not null)
        {
            string target = Path.Combine(state.Directory, Guid.NewGuid().ToString("N"));
            File.Copy(source, target);
            copy.ContentPath = target;
        }

        JsonObject json;
        lock (state.Gate)
        {
            state.Files[copy.Id] = copy;
            state.Record(copy);
            json = DriveState.ToJson(copy);
        }

        await WriteJsonAsync(context, json, FileDefaultFields);
    }

    private DriveFile NewFile(JsonObject metadata, string mimeType)
    {
        var now = state.Now;
        var parents = metadata["parents"] is JsonArray given && given.Count > 0
            ? given.Select(p => state.Resolve(p!.GetValue<string>())).ToList()
            : [state.RootId];
        foreach (var parent in parents)
        {
            if (!state.Files.TryGetValue(parent, out var folder) || !folder.IsFolder)
            {
                throw DriveError.NotFound(parent);
            }
        }

        var space = state.Files[parents[0]].Space;
        string id = DriveState.NewId();
        if (metadata["id"] is { } givenId)
        {
            // An id from files.generateIds: a create that is retried after its answer was lost finds it taken.
            id = givenId.GetValue<string>();
            if (state.Files.ContainsKey(id))
            {
                throw new DriveError(409, "global", "duplicate", "A file already exists with the provided ID.", "file.id");
            }
        }

        var file = new DriveFile
        {
            Id = id,
            Name = "Untitled",
            MimeType = mimeType,
            Parents = parents,
            Space = space,
            CreatedTime = now,
            ModifiedTime = now,
            ModifiedByMeTime = now,
        };
        ApplyMetadata(file, metadata, isCreate: true);
        return file;
    }

    /// <summary>The writable File fields: name, mimeType, description, modifiedTime, createdTime (on create), trashed, appProperties and properties (merged; null deletes a key).</summary>
    private static void ApplyMetadata(DriveFile file, JsonObject metadata, bool isCreate)
    {
        foreach (var (name, value) in metadata)
        {
            switch (name)
            {
                case "name":
                    file.Name = value?.GetValue<string>() ?? file.Name;
                    break;
                case "mimeType":
                    file.MimeType = value?.GetValue<string>() ?? file.MimeType;
                    break;
                case "description":
                    file.Description = value?.GetValue<string>();
                    break;
                case "trashed":
                    file.Trashed = value?.GetValue<bool>() ?? false;
                    break;
                case "modifiedTime":
                    file.ModifiedTime = ParseTime(value, name);
                    break;
                case "createdTime" when isCreate:
                    file.CreatedTime = ParseTime(value, name);
                    break;
                case "appProperties":
                    Merge(file.AppProperties, value as JsonObject, name);
                    break;
                case "properties":
                    Merge(file.Properties, value as JsonObject, name);
                    break;
                case "parents" when !isCreate:
                    throw DriveError.Invalid(name, "The parents field is not directly writable in update requests. Use the addParents and removeParents parameters instead.");
            }
        }
    }

    private static DateTimeOffset ParseTime(JsonNode? value, string field) =>
        value is not null && DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : throw DriveError.Invalid(field, $"Invalid value for {field}: expected an RFC 3339 date-time.");

    private static void Merge(Dictionary<string, string> target, JsonObject? changes, string field)
    {
        if (changes is null)
        {
            return;
        }

        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                target.Remove(key);
                continue;
            }

            string text = value.GetValue<string>();
            if (Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(text) > 124)
            {
                throw DriveError.Invalid(field, $"The size of the {field} entry '{key}' exceeds 124 bytes (key and value together, UTF-8).");
            }

            target[key] = text;
        }

        if (target.Count > 30)
        {
            throw DriveError.Invalid(field, $"A file can have at most 30 {field} per app.");
        }
    }

    private void MoveParents(DriveFile file, string? add, string? remove)
    {
        foreach (var id in (remove ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            file.Parents.Remove(state.Resolve(id));
        }

        foreach (var id in (add ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parent = state.Get(id);
            if (parent.Space != file.Space)
            {
                throw new DriveError(403, "global", "notSupportedForAppDataFolderFiles", "Files cannot be moved between the app data folder and the drive.", "addParents");
            }

            if (!file.Parents.Contains(parent.Id))
            {
                file.Parents.Add(parent.Id);
            }
        }
    }

    private void Touch(DriveFile file, bool contentChanged)
    {
        var now = state.Now;
        file.Version++;
        file.ModifiedByMeTime = now > file.ModifiedByMeTime ? now : file.ModifiedByMeTime;
        if (contentChanged)
        {
            file.Revision++;
        }

        state.Record(file);
    }

    private static async Task<JsonObject?> ReadJsonBodyAsync(HttpRequest request)
    {
        await using var body = Decoded(request);
        using var reader = new StreamReader(body, Encoding.UTF8);
        string text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        return ParseJsonObject(text);
    }

    private static JsonObject? ParseJsonObject(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw DriveError.BadRequest("The request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw DriveError.BadRequest("Invalid JSON payload received. " + e.Message);
        }
    }

    /// <summary>The request body, gunzipped when it says <c>Content-Encoding: gzip</c> (Google.Apis sends JSON that way by default).</summary>
    private static Stream Decoded(HttpRequest request) =>
        request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true)
            : new NonClosingStream(request.Body);

    private static async Task WriteJsonAsync(HttpContext context, JsonNode json, string? defaultFields)
    {
        string? fields = context.Request.Query["fields"];
        fields = string.IsNullOrEmpty(fields) ? defaultFields : fields;
        var output = fields is null ? json : DriveFields.Parse(fields).Apply(json);
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(output!.ToJsonString(), context.RequestAborted);
    }

    private static async Task WriteErrorAsync(HttpResponse response, DriveError error)
    {
        if (response.HasStarted)
        {
            Cut(response.HttpContext);
            return;
        }

        response.StatusCode = error.Status;
        if (error.RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        response.ContentType = "application/json; charset=UTF-8";
        await response.WriteAsync(error.ToJson().ToJsonString());
    }

    /// <summary>Lets a reader be disposed without closing the request body under it.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
