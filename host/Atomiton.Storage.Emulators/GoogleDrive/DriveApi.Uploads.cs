using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Atomiton.Storage.Emulators.GoogleDrive;

/// <summary>
/// Uploads (files.create and files.update under <c>/upload/drive/v3/</c>): <c>uploadType=media</c>,
/// <c>multipart</c> (multipart/related: JSON metadata, then the media) and <c>resumable</c> (initiation
/// answers 200 with a session <c>Location</c>; chunk PUTs with <c>Content-Range</c>, multiples of
/// 256 KiB except the last, answered 308 with <c>Range</c> until the last byte; status queries with
/// <c>bytes */total</c>).
/// </summary>
internal sealed partial class DriveApi
{
    private const int UploadGranularity = 256 * 1024;

    private async Task StartUploadAsync(HttpContext context, string? fileId)
    {
        var request = context.Request;
        string? uploadType = request.Query["uploadType"];
        if (fileId is not null)
        {
            lock (state.Gate)
            {
                state.Get(fileId);
            }
        }

        switch (uploadType)
        {
            case "media":
                {
                    using var content = new DriveContent(state.Directory);
                    await using var body = Decoded(request);
                    await ReceiveWholeAsync(content, body, context);
                    await FinishAsync(context, fileId, [], request.ContentType, content);
                    return;
                }

            case "multipart":
                await MultipartAsync(context, fileId);
                return;
            case "resumable":
                await InitiateAsync(context, fileId);
                return;
            default:
                throw DriveError.Invalid("uploadType", $"Invalid Value: uploadType must be media, multipart or resumable (was '{uploadType}').");
        }
    }

    private static async Task ReceiveWholeAsync(DriveContent content, Stream body, HttpContext context)
    {
        try
        {
            await content.AppendFromAsync(body, null, context.RequestAborted);
        }
        catch
        {
            content.Discard();
            throw;
        }
    }

    private async Task MultipartAsync(HttpContext context, string? fileId)
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/related", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw DriveError.BadRequest("Bad content type. Please use multipart/related with a boundary for uploadType=multipart.");
        }

        await using var body = Decoded(request);
        var reader = new MultipartReader(boundary, body) { BodyLengthLimit = null };
        var metadataSection = await reader.ReadNextSectionAsync(context.RequestAborted)
            ?? throw DriveError.BadRequest("Multipart body has no metadata part.");
        string metadataText;
        using (var metadataReader = new StreamReader(metadataSection.Body, Encoding.UTF8))
        {
            metadataText = await metadataReader.ReadToEndAsync(context.RequestAborted);
        }

        var metadata = ParseJsonObject(metadataText) ?? [];
        var mediaSection = await reader.ReadNextSectionAsync(context.RequestAborted)
            ?? throw DriveError.BadRequest("Multipart body has no media part.");
        using var content = new DriveContent(state.Directory);
        await ReceiveWholeAsync(content, mediaSection.Body, context);
        await FinishAsync(context, fileId, metadata, mediaSection.ContentType, content);
    }

    /// <summary>Creates or replaces the file with complete content and answers its resource.</summary>
    private async Task FinishAsync(HttpContext context, string? fileId, JsonObject metadata, string? contentType, DriveContent content)
    {
        CompletedContent completed;
        try
        {
            completed = await content.CompleteAsync(context.RequestAborted);
        }
        catch
        {
            content.Discard();
            throw;
        }

        JsonObject json;
        try
        {
            json = Commit(fileId, metadata, contentType, completed);
        }
        catch
        {
            DriveContent.TryDelete(completed.Path);
            throw;
        }

        await WriteJsonAsync(context, json, FileDefaultFields);
    }

    private JsonObject Commit(string? fileId, JsonObject metadata, string? contentType, CompletedContent completed)
    {
        string media = string.IsNullOrEmpty(contentType) ? "application/octet-stream" : contentType;
        lock (state.Gate)
        {
            DriveFile file;
            if (fileId is null)
            {
                state.CheckQuota(completed.Size);
                file = NewFile(metadata, metadata["mimeType"]?.GetValue<string>() ?? media);
                completed.CopyInto(file);
                state.Files[file.Id] = file;
                state.Record(file);
            }
            else
            {
                file = state.Get(fileId);
                state.CheckQuota(completed.Size, file.Size);
                if (!string.IsNullOrEmpty(contentType))
                {
                    file.MimeType = contentType;
                }

                var now = state.Now;
                file.ModifiedTime = now;
                ApplyMetadata(file, metadata, isCreate: false);
                completed.CopyInto(file);
                Touch(file, contentChanged: true);
            }

            return DriveState.ToJson(file);
        }
    }

    private async Task InitiateAsync(HttpContext context, string? fileId)
    {
        var request = context.Request;
        var metadata = await ReadJsonBodyAsync(request) ?? [];
        long? total = long.TryParse(request.Headers["X-Upload-Content-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out long length) ? length : null;
        string id = DriveState.NewId();
        lock (state.Gate)
        {
            if (total is { } size)
            {
                state.CheckQuota(size, fileId is null ? 0 : state.Get(fileId).Size);
            }

            state.Sessions[id] = new DriveState.UploadSession
            {
                Id = id,
                FileId = fileId is null ? null : state.Get(fileId).Id,
                Metadata = metadata,
                ContentType = request.Headers["X-Upload-Content-Type"].ToString() is { Length: > 0 } type ? type : null,
                Total = total,
                Content = new DriveContent(state.Directory),
                ExpiresAt = state.Now + state.Options.UploadSessionLifetime,
            };
        }

        var response = context.Response;
        response.Headers.Location = $"{request.Scheme}://{request.Host}{request.Path}{request.QueryString}&upload_id={Uri.EscapeDataString(id)}";
        response.Headers["X-GUploader-UploadID"] = id;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentLength = 0;
    }

    private async Task UploadChunkAsync(HttpContext context, string id, DriveFault? fault)
    {
        var request = context.Request;
        var response = context.Response;
        if (!TryParseContentRange(request.Headers.ContentRange.ToString(), out long? first, out long? last, out long? total))
        {
            throw DriveError.BadRequest("Failed to parse Content-Range header.");
        }

        DriveState.UploadSession session;
        JsonObject? completedJson = null;
        lock (state.Gate)
        {
            if (!state.Sessions.TryGetValue(id, out session!) || state.Now > session.ExpiresAt)
            {
                if (session is not null)
                {
                    state.Sessions.Remove(id);
                    session.Content.Discard();
                }

                throw new DriveError(404, "global", "notFound", "The upload session was not found or has expired. Start a new upload.");
            }

            if (session.CompletedFileId is { } done)
            {
                completedJson = DriveState.ToJson(state.Get(done));
            }
            else if (session.Busy)
            {
                throw new DriveError(503, "global", "backendError", "Another request is writing to this upload session; query its status and resume.");
            }
            else
            {
                if (total is { } t && session.Total is { } known && t != known)
                {
                    throw DriveError.BadRequest($"The total size {t} differs from the {known} bytes announced for this upload.");
                }

                session.Total ??= total;
                session.Busy = true;
            }
        }

        if (completedJson is not null)
        {
            // Already complete: a status query (or a resent last chunk) gets the file again.
            response.StatusCode = StatusCodes.Status200OK;
            await WriteJsonAsync(context, completedJson, FileDefaultFields);
            return;
        }

        try
        {
            if (first is { } from)
            {
                await ReceiveChunkAsync(context, session, from, last!.Value, fault);
            }

            if (context.RequestAborted.IsCancellationRequested || context.Items.ContainsKey(CutKey))
            {
                return;
            }

            if (session.Total is { } whole && session.Received == whole)
            {
                CompletedContent completed = await session.Content.CompleteAsync(context.RequestAborted);
                JsonObject json;
                try
                {
                    json = Commit(session.FileId, session.Metadata, session.ContentType, completed);
                }
                catch (DriveError)
                {
                    DriveContent.TryDelete(completed.Path);
                    lock (state.Gate)
                    {
                        state.Sessions.Remove(id);
                    }

                    throw;
                }

                lock (state.Gate)
                {
                    session.CompletedFileId = json["id"]!.GetValue<string>();
                }

                response.StatusCode = StatusCodes.Status200OK;
                await WriteJsonAsync(context, json, FileDefaultFields);
                return;
            }

            response.StatusCode = 308;
            if (session.Received > 0)
            {
                response.Headers["Range"] = string.Create(CultureInfo.InvariantCulture, $"bytes=0-{session.Received - 1}");
            }

            response.ContentLength = 0;
        }
        finally
        {
            lock (state.Gate)
            {
                session.Busy = false;
            }
        }
    }

    private static async Task ReceiveChunkAsync(HttpContext context, DriveState.UploadSession session, long from, long to, DriveFault? fault)
    {
        long length = to - from + 1;
        bool isLast = session.Total is { } whole && to + 1 == whole;
        if (length <= 0 || (session.Total is { } limit && to >= limit))
        {
            throw DriveError.BadRequest("The Content-Range is outside the upload's size.");
        }

        if (!isLast && length % UploadGranularity != 0)
        {
            throw DriveError.BadRequest($"Invalid request. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request (it's recommended to be the exact multiple of 262144). The received request contained {length} bytes, which does not meet this requirement.");
        }

        if (from > session.Received)
        {
            throw DriveError.BadRequest($"The chunk starts at byte {from} but only {session.Received} bytes were received; query the status and resume from there.");
        }

        var body = context.Request.Body;
        long skip = session.Received - from;
        if (skip > 0)
        {
            // Bytes already received (the client resent them): read past them.
            await DrainAsync(body, Math.Min(skip, length), context.RequestAborted);
        }

        long wanted = length - Math.Min(skip, length);
        if (wanted == 0)
        {
            return;
        }

        long before = session.Content.Length;
        if (fault?.Kind == DriveFaultKind.DropConnection)
        {
            await session.Content.AppendFromAsync(body, wanted / 2, context.RequestAborted);
            session.Content.TruncateTo(before);
            Cut(context);
            return;
        }

        long copied;
        try
        {
            copied = await session.Content.AppendFromAsync(body, wanted, context.RequestAborted);
        }
        catch
        {
            session.Content.TruncateTo(before);
            throw;
        }

        if (copied < wanted)
        {
            session.Content.TruncateTo(before);
            throw DriveError.BadRequest($"The chunk ended after {copied} of {wanted} bytes.");
        }

        session.Received += wanted;
    }

    private static bool TryParseContentRange(string header, out long? first, out long? last, out long? total)
    {
        first = last = total = null;
        if (!header.StartsWith("bytes ", StringComparison.Ordinal))
        {
            return false;
        }

        string spec = header[6..].Trim();
        int slash = spec.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return false;
        }

        string range = spec[..slash];
        string size = spec[(slash + 1)..];
        if (size != "*")
        {
            if (!long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out long t))
            {
                return false;
            }

            total = t;
        }

        if (range == "*")
        {
            return true;
        }

        int dash = range.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !long.TryParse(range[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out long a)
            || !long.TryParse(range[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out long b) || b < a)
        {
            return false;
        }

        (first, last) = (a, b);
        return true;
    }

    private static async Task DrainAsync(Stream body, long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        while (count > 0)
        {
            int read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken);
            if (read == 0)
            {
                return;
            }

            count -= read;
        }
    }
}
