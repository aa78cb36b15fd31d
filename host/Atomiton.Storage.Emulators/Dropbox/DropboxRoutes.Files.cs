using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Atomiton.Storage.Emulators.Dropbox;

/// <summary>The file routes: metadata, download, upload, upload sessions, delete, copy and move.</summary>
internal sealed partial class DropboxRoutes
{
    private JsonObject GetMetadata(JsonObject args)
    {
        string lower = DropboxNamespace.Normalize(Str(args, "path"), allowRoot: false, "path");
        return files.Find(lower) is { } entry ? Metadata(entry) : throw DropboxApiException.Conflict("path", "not_found");
    }

    private async Task DownloadAsync(HttpContext context, JsonObject args)
    {
        string lower = DropboxNamespace.Normalize(Str(args, "path"), allowRoot: false, "path");
        var (entry, content) = files.Open(lower) ?? throw DropboxApiException.Conflict("path", "not_found");
        if (content is null)
        {
            throw DropboxApiException.Conflict("path", "not_file");
        }

        var stream = content;
        if (Str(args, "rev") is { } rev && rev != entry.Rev)
        {
            await stream.DisposeAsync();
            throw DropboxApiException.Conflict("path", "not_found");
        }

        await using (stream)
        {
            long size = entry.Size, from = 0, length = size;
            string? range = context.Request.Headers.Range;
            if (range is not null && RangeHeaderValue.TryParse(range, out var parsed) && parsed.Unit == "bytes" && parsed.Ranges.Count == 1)
            {
                var r = parsed.Ranges.First();
                if (r.From is { } start)
                {
                    from = start;
                    length = (r.To is { } end ? Math.Min(end, size - 1) : size - 1) - start + 1;
                }
                else if (r.To is { } suffix)
                {
                    length = Math.Min(suffix, size);
                    from = size - length;
                }

                if (from >= size || length <= 0)
                {
                    context.Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                    context.Response.Headers.ContentRange = $"bytes */{size}";
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status206PartialContent;
                context.Response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {from}-{from + length - 1}/{size}");
            }

            context.Response.Headers["Dropbox-API-Result"] = Metadata(entry).ToJsonString();
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = length;
            stream.Position = from;
            var buffer = new byte[81920];
            for (long left = length; left > 0;)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), context.RequestAborted);
                if (n == 0)
                {
                    break;
                }

                await context.Response.Body.WriteAsync(buffer.AsMemory(0, n), context.RequestAborted);
                left -= n;
            }
        }
    }

    private async Task<JsonObject> UploadAsync(HttpContext context, JsonObject args)
    {
        string path = Str(args, "path") ?? throw DropboxApiException.BadRequest("Error in call to API function \"files/upload\": missing required field 'path'");
        DropboxNamespace.Normalize(path, allowRoot: false, "path");
        var mode = DropboxJson.Mode(args);
        var clientModified = DropboxJson.ParseTime(args["client_modified"]);
        string blob = files.NewBlobPath();
        var (size, hash) = await ReceiveAsync(context, blob, FileMode.CreateNew, 0);
        if (size > options.MaxUploadBytes)
        {
            File.Delete(blob);
            throw DropboxApiException.Conflict("payload_too_large");
        }

        if (Str(args, "content_hash") is { } expected && !string.Equals(expected, hash, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(blob);
            throw DropboxApiException.Conflict("content_hash_mismatch");
        }

        return Metadata(files.Commit(path, blob, size, hash, mode, clientModified, tags => DropboxApiException.Conflict(UploadWriteFailed(tags), ["path", .. tags])));
    }

    private async Task<JsonObject> StartSessionAsync(HttpContext context, JsonObject args)
    {
        string id = "pid_upload_session:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var session = new UploadSession(files.NewBlobPath());
        var (size, _) = await ReceiveAsync(context, session.File, FileMode.CreateNew, 0);
        session.Offset = size;
        session.Closed = args["close"]?.GetValue<bool>() ?? false;
        lock (_sessions)
        {
            _sessions[id] = session;
        }

        return new JsonObject { ["session_id"] = id };
    }

    private async Task AppendAsync(HttpContext context, JsonObject? cursor, JsonObject args)
    {
        var session = Session(cursor, finish: false, out long offset);
        await session.Gate.WaitAsync(context.RequestAborted);
        try
        {
            Check(session, offset, finish: false);
            var (size, _) = await ReceiveAsync(context, session.File, FileMode.Open, offset);
            session.Offset = offset + size;
            session.Closed = args["close"]?.GetValue<bool>() ?? false;
        }
        finally
        {
            session.Gate.Release();
        }
    }

    private async Task<JsonObject> FinishAsync(HttpContext context, JsonObject args)
    {
        var commit = args["commit"] as JsonObject ?? throw DropboxApiException.BadRequest("Error in call to API function \"files/upload_session/finish\": missing required field 'commit'");
        string path = Str(commit, "path") ?? throw DropboxApiException.BadRequest("Error in call to API function \"files/upload_session/finish\": missing required field 'commit.path'");
        DropboxNamespace.Normalize(path, allowRoot: false, "path");
        var mode = DropboxJson.Mode(commit);
        var clientModified = DropboxJson.ParseTime(commit["client_modified"]);
        string id = Str((JsonObject?)args["cursor"] ?? [], "session_id") ?? "";
        var session = Session((JsonObject?)args["cursor"], finish: true, out long offset);
        await session.Gate.WaitAsync(context.RequestAborted);
        try
        {
            Check(session, offset, finish: true);
            var (size, _) = await ReceiveAsync(context, session.File, FileMode.Open, offset);
            session.Offset = offset + size;
            string hash;
            await using (var stream = new FileStream(session.File, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous))
            {
                hash = await HashAsync(stream, context.RequestAborted);
            }

            if (Str(args, "content_hash") is { } expected && !string.Equals(expected, hash, StringComparison.OrdinalIgnoreCase))
            {
                throw DropboxApiException.Conflict("content_hash_mismatch");
            }

            // A finish that fails on its commit (a conflict, no space) ends the session, as its bytes are gone.
            lock (_sessions)
            {
                _sessions.Remove(id);
            }

            return Metadata(files.Commit(path, session.File, session.Offset, hash, mode, clientModified, tags => DropboxApiException.Conflict(Chain("path", tags), ["path", .. tags])));
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>An <c>UploadSessionLookupError</c>: as is for append, inside <c>lookup_failed</c> for finish.</summary>
    private static DropboxApiException LookupError(bool finish, JsonObject lookup)
    {
        string tag = lookup[".tag"]!.GetValue<string>();
        return finish
            ? DropboxApiException.Conflict(new JsonObject { [".tag"] = "lookup_failed", ["lookup_failed"] = lookup }, ["lookup_failed", tag])
            : DropboxApiException.Conflict(lookup, [tag]);
    }

    private UploadSession Session(JsonObject? cursor, bool finish, out long offset)
    {
        string id = cursor is null ? "" : Str(cursor, "session_id") ?? "";
        offset = cursor?["offset"]?.GetValue<long>() ?? throw DropboxApiException.BadRequest("Error in call to API function: missing required field 'cursor.offset'");
        lock (_sessions)
        {
            return _sessions.GetValueOrDefault(id) ?? throw LookupError(finish, new JsonObject { [".tag"] = "not_found" });
        }
    }

    private static void Check(UploadSession session, long offset, bool finish)
    {
        if (session.Closed && !finish)
        {
            throw LookupError(finish, new JsonObject { [".tag"] = "closed" });
        }

        if (offset != session.Offset)
        {
            throw LookupError(finish, new JsonObject { [".tag"] = "incorrect_offset", ["correct_offset"] = session.Offset });
        }
    }

    /// <summary>Receives the request body into <paramref name="file"/> at <paramref name="offset"/>; on a dropped connection nothing beyond the offset is kept.</summary>
    private async Task<(long Size, string Hash)> ReceiveAsync(HttpContext context, string file, FileMode mode, long offset)
    {
        long limit = options.MaxUploadBytes;
        using var hash = StorageContentHash.Create(StorageHashAlgorithms.Dropbox);
        var stream = new FileStream(file, mode, FileAccess.Write, FileShare.Read, 1, FileOptions.Asynchronous);
        long size = 0;
        try
        {
            stream.Position = offset;
            var buffer = new byte[81920];
            while (true)
            {
                int n = await context.Request.Body.ReadAsync(buffer, context.RequestAborted);
                if (n == 0)
                {
                    break;
                }

                size += n;
                if (size > limit)
                {
                    throw DropboxApiException.BadRequest($"Error in call to API function: the request body is larger than {limit} bytes; use an upload session with smaller chunks.");
                }

                hash.Append(buffer.AsSpan(0, n));
                await stream.WriteAsync(buffer.AsMemory(0, n), context.RequestAborted);
            }

            await stream.DisposeAsync();
            return (size, hash.GetResult());
        }
        catch
        {
            stream.SetLength(offset);
            await stream.DisposeAsync();
            if (mode == FileMode.CreateNew)
            {
                File.Delete(file);
            }

            throw;
        }
    }

    private static async Task<string> HashAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var hash = StorageContentHash.Create(StorageHashAlgorithms.Dropbox);
        var buffer = new byte[1024 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.Append(buffer.AsSpan(0, n));
        }

        return hash.GetResult();
    }

    /// <summary><c>{".tag":"path","reason":{WriteError},"upload_session_id":…}</c>: files/upload's <c>UploadError.path</c>.</summary>
    private static JsonObject UploadWriteFailed(string[] tags) => new()
    {
        [".tag"] = "path",
        ["reason"] = DropboxApiException.Chain(tags),
        ["upload_session_id"] = "pid_upload_session:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
    };

    private static JsonObject Chain(string first, string[] rest) => DropboxApiException.Chain([first, .. rest]);

    private JsonObject Relocate(JsonObject args, bool move)
    {
        string from = Str(args, "from_path") ?? throw DropboxApiException.BadRequest("Error in call to API function: missing required field 'from_path'");
        string to = Str(args, "to_path") ?? throw DropboxApiException.BadRequest("Error in call to API function: missing required field 'to_path'");
        DropboxNamespace.Normalize(from, allowRoot: false, "from_lookup");
        DropboxNamespace.Normalize(to, allowRoot: false, "to");
        return new JsonObject { ["metadata"] = Metadata(files.Relocate(from, to, move)) };
    }

    private JsonObject DeleteBatch(JsonObject args)
    {
        var entries = args["entries"] as JsonArray ?? throw DropboxApiException.BadRequest("Error in call to API function \"files/delete_batch\": missing required field 'entries'");
        if (entries.Count > 1000)
        {
            throw DropboxApiException.BadRequest("Error in call to API function \"files/delete_batch\": at most 1000 entries.");
        }

        var results = new JsonArray();
        foreach (var item in entries.OfType<JsonObject>())
        {
            try
            {
                var deleted = files.Delete(DropboxNamespace.Normalize(Str(item, "path"), false, "path_lookup"), item["parent_rev"]?.GetValue<string>());
                results.Add(new JsonObject { [".tag"] = "success", ["metadata"] = Metadata(deleted) });
            }
            catch (DropboxApiException e) when (e.Status == 409)
            {
                results.Add(new JsonObject { [".tag"] = "failure", ["failure"] = e.Error!.DeepClone() });
            }
        }

        string job = "dbjid:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_jobs)
        {
            // The first check answers in_progress, as a real batch often does; the next one the result.
            _jobs[job] = new JsonObject { ["checks"] = 0, ["entries"] = results };
        }

        return new JsonObject { [".tag"] = "async_job_id", ["async_job_id"] = job };
    }

    private JsonObject CheckJob(JsonObject args)
    {
        string id = Str(args, "async_job_id") ?? "";
        lock (_jobs)
        {
            if (!_jobs.TryGetValue(id, out var job))
            {
                throw DropboxApiException.Conflict("invalid_async_job_id");
            }

            int checks = job["checks"]!.GetValue<int>();
            job["checks"] = checks + 1;
            if (checks == 0)
            {
                return new JsonObject { [".tag"] = "in_progress" };
            }

            _jobs.Remove(id);
            return new JsonObject { [".tag"] = "complete", ["entries"] = job["entries"]!.DeepClone() };
        }
    }
}
