using System.Globalization;
using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Changes;
using Atomiton.Storage.Cloud.Server.Uploads;
using Microsoft.AspNetCore.Http;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary><c>/v1/uploads</c>: resumable upload sessions for objects larger than one request.</summary>
internal sealed class UploadHandlers(IStorageEngine engine, State.IUploadSessionStore sessions, State.IChangeLog log, CloudServerOptions options)
{
    public async Task<IResult> CreateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = CloudRequest.Caller(context);
        WireUploadRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<WireUploadRequest>(context.Request.Body, CloudJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request?.Key is null)
        {
            throw CloudRequest.InvalidArgument("The body must be JSON {\"key\": …, \"contentType\": …, \"metadata\": {…}, \"length\": …, \"ifMatch\": …, \"ifNotExists\": …} with at least a key.");
        }

        StorageKey.Validate(request.Key, "cloud", "upload");
        var engineKey = CloudRequest.EngineKey(caller, request.Key);
        if (request.LastModified is not null && !(await engine.GetInfoAsync(cancellationToken)).Capabilities.HasFlag(StorageCapabilities.SetLastModified))
        {
            throw StorageException.Unsupported("setting the last-modified time", "cloud", "the served engine does not keep it");
        }

        StorageMetadata.Validate(request.Metadata, request.Key, "cloud");
        if (request.Length is < 0)
        {
            throw CloudRequest.InvalidArgument("length must not be negative.");
        }

        if (request.Length > options.MaxObjectSize)
        {
            throw new StorageException(StorageErrorCode.ObjectTooLarge, $"An object of {request.Length} bytes is larger than this server's limit of {options.MaxObjectSize} bytes.") { Key = engineKey };
        }

        if (request.IfNotExists && request.IfMatch is not null)
        {
            throw CloudRequest.InvalidArgument("Send ifMatch or ifNotExists, not both.");
        }

        var session = await sessions.CreateAsync(caller.TenantPrefix, request.Key, request, cancellationToken);
        return Results.Json(new WireUploadSession(session.Id, session.Key, 0, session.Length, null), CloudJson.Options, statusCode: StatusCodes.Status201Created);
    }

    public async Task<IResult> GetAsync(HttpContext context, string id, CancellationToken cancellationToken)
    {
        var session = await FindAsync(context, id, cancellationToken);
        var committed = await sessions.FindCommittedAsync(session, cancellationToken);
        long offset = committed?.Size ?? await sessions.OffsetOfAsync(session, cancellationToken);
        return Results.Json(new WireUploadSession(session.Id, session.Key, offset, session.Length, committed), CloudJson.Options);
    }

    public async Task<IResult> AppendAsync(HttpContext context, string id, CancellationToken cancellationToken)
    {
        var session = await FindAsync(context, id, cancellationToken);
        if (!long.TryParse(context.Request.Query["offset"], NumberStyles.None, CultureInfo.InvariantCulture, out long offset))
        {
            throw CloudRequest.InvalidArgument("A chunk needs ?offset=<where it starts> (the session's current offset).");
        }

        if (context.Request.ContentLength is not { } length)
        {
            throw CloudRequest.InvalidArgument("A chunk needs a Content-Length header.");
        }

        try
        {
            long newOffset = await sessions.AppendAsync(session, offset, context.Request.Body, length, cancellationToken);
            return Results.Json(new WireUploadSession(session.Id, session.Key, newOffset, session.Length, null), CloudJson.Options);
        }
        catch (UploadOffsetMismatchException mismatch)
        {
            await CloudProblem.WriteAsync(context, StatusCodes.Status409Conflict, StorageErrorCode.Conflict,
                $"The chunk starts at {offset} but upload session {id} holds {mismatch.CurrentOffset} bytes; send the chunk from offset {mismatch.CurrentOffset}.",
                session.Key, transient: false, offset: mismatch.CurrentOffset);
            return Results.Empty;
        }
    }

    public async Task<IResult> CommitAsync(HttpContext context, string id, CancellationToken cancellationToken)
    {
        var session = await FindAsync(context, id, cancellationToken);
        var item = await sessions.CommitAsync(session, engine, log, cancellationToken);
        context.Response.Headers.ETag = EntityTagCodec.Encode(item.Etag);
        return Results.Json(item, CloudJson.Options);
    }

    public async Task<IResult> AbortAsync(HttpContext context, string id, CancellationToken cancellationToken)
    {
        await sessions.DeleteAsync(await FindAsync(context, id, cancellationToken), cancellationToken);
        return Results.NoContent();
    }

    private async Task<UploadSession> FindAsync(HttpContext context, string id, CancellationToken cancellationToken) =>
        await sessions.FindAsync(id, CloudRequest.Caller(context).TenantPrefix, cancellationToken)
        ?? throw new StorageException(StorageErrorCode.NotFound, $"No upload session '{id}' exists (it expired, was aborted, or belongs to no session you created). Start a new session.");
}
