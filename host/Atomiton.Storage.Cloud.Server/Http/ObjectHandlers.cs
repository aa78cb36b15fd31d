using System.Globalization;
using Atomiton.Storage.Cloud.Server.Changes;
using Microsoft.AspNetCore.Http;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary>
/// <c>/v1/objects/{key}</c>: put, get (ranges, if-none-match), head and delete. Bodies stream
/// between the connection and the engine; nothing is buffered whole.
/// </summary>
internal sealed class ObjectHandlers(IStorageEngine engine, State.IChangeLog log, CloudServerOptions options)
{
    public async Task<IResult> PutAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = CloudRequest.Caller(context);
        var key = CloudRequest.ObjectKey(context);
        var engineKey = CloudRequest.EngineKey(caller, key);
        var request = context.Request;
        if (request.ContentLength > options.MaxRequestBodySize)
        {
            throw new StorageException(StorageErrorCode.ObjectTooLarge,
                $"The body of {request.ContentLength} bytes is larger than this server's single-request limit of {options.MaxRequestBodySize} bytes; use an upload session (POST /v1/uploads).")
            { Key = engineKey };
        }

        var ifMatch = CloudRequest.IfMatch(request);
        var ifNoneMatch = CloudRequest.IfNoneMatch(request);
        if (ifNoneMatch is not null && ifNoneMatch != "*")
        {
            throw CloudRequest.InvalidArgument("On a put, If-None-Match may only be '*' (create only).");
        }

        if (ifMatch is not null && ifNoneMatch is not null)
        {
            throw CloudRequest.InvalidArgument("Send If-Match or If-None-Match, not both.");
        }

        WireSaveOptions wire;
        if (request.Headers[CloudRequest.OptionsHeader] is { Count: > 0 } header)
        {
            if (header.Count != 1 || !CloudJson.TryFromHeader(header[0]!, out WireSaveOptions? parsed))
            {
                throw CloudRequest.InvalidArgument($"The {CloudRequest.OptionsHeader} header must be base64url-encoded JSON {{\"contentType\":…,\"metadata\":{{…}},\"expectedHashes\":{{…}},\"lastModified\":…}}.");
            }

            wire = parsed!;
        }
        else
        {
            wire = new WireSaveOptions { ContentType = request.ContentType };
        }

        var saveOptions = new SaveOptions
        {
            ContentType = wire.ContentType,
            Metadata = wire.Metadata,
            ExpectedLength = request.ContentLength,
            ExpectedHashes = wire.ExpectedHashes,
            LastModified = wire.LastModified,
            Condition = ifMatch is not null ? WriteCondition.IfMatch(ifMatch) : ifNoneMatch is not null ? WriteCondition.IfNotExists : WriteCondition.None,
        };
        var item = await log.WriteAsync([engineKey],
            token => engine.SaveAsync(engineKey, request.Body, saveOptions, token).AsTask(),
            saved => [new ChangeRecord { Kind = ChangeRecord.Upsert, Key = saved.Key, Item = WireItem.From(saved, string.Empty) }],
            cancellationToken,
            claims: _ => Task.FromResult<IReadOnlyList<State.QuotaClaim>>([new(engineKey, request.ContentLength
                ?? throw CloudRequest.InvalidArgument("Your tenant has a quota, so a put needs a Content-Length header (or use an upload session, POST /v1/uploads)."))]));
        context.Response.Headers.ETag = EntityTagCodec.Encode(item.ETag);
        return Results.Json(WireItem.From(item, caller.TenantPrefix), CloudJson.Options);
    }

    public async Task<IResult> GetAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = CloudRequest.Caller(context);
        var engineKey = CloudRequest.EngineKey(caller, CloudRequest.ObjectKey(context));
        var request = context.Request;
        ByteRange? range = null;
        if (request.Headers.Range is { Count: > 0 } rangeHeader)
        {
            if (rangeHeader.Count != 1 || !RangeHeader.TryParse(rangeHeader[0]!, out var parsed, out var problem))
            {
                throw CloudRequest.InvalidArgument($"The Range header is malformed: expected a single range 'bytes=first-last', 'bytes=first-' or 'bytes=-count'.");
            }

            range = parsed;
        }

        var ifNoneMatch = CloudRequest.IfNoneMatch(request);
        if (ifNoneMatch == "*")
        {
            var current = await engine.StatAsync(engineKey, cancellationToken);
            WriteItemHeaders(context.Response, current, caller.TenantPrefix);
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var ifMatch = CloudRequest.IfMatch(request);
        await using var result = await engine.OpenReadAsync(engineKey, new ReadOptions { Range = range, IfNoneMatch = ifNoneMatch, IfMatch = ifMatch }, cancellationToken);
        var response = context.Response;
        WriteItemHeaders(response, result.Item, caller.TenantPrefix);
        if (result.NotModified)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Results.Empty;
        }

        long length = result.Item.Size;
        if (range is { } r)
        {
            var (start, count) = r.Resolve(result.Item.Size);
            length = count;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = count > 0
                ? string.Create(CultureInfo.InvariantCulture, $"bytes {start}-{start + count - 1}/{result.Item.Size}")
                : string.Create(CultureInfo.InvariantCulture, $"bytes */{result.Item.Size}");
        }

        response.ContentLength = length;
        await BoundedCopy.CopyAsync(result.Content, response.Body, cancellationToken);
        return Results.Empty;
    }

    public async Task<IResult> HeadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = CloudRequest.Caller(context);
        var engineKey = CloudRequest.EngineKey(caller, CloudRequest.ObjectKey(context));
        var item = await engine.StatAsync(engineKey, cancellationToken);
        WriteItemHeaders(context.Response, item, caller.TenantPrefix);
        context.Response.ContentLength = item.Size;
        return Results.Empty;
    }

    public async Task<IResult> DeleteAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = CloudRequest.Caller(context);
        var engineKey = CloudRequest.EngineKey(caller, CloudRequest.ObjectKey(context));
        var ifMatch = CloudRequest.IfMatch(context.Request);
        bool deleted = await log.WriteAsync([engineKey],
            token => engine.DeleteAsync(engineKey, new DeleteOptions { IfMatch = ifMatch }, token).AsTask(),
            wasDeleted => wasDeleted ? [new ChangeRecord { Kind = ChangeRecord.Delete, Key = engineKey }] : [],
            cancellationToken);
        return Results.Json(new { deleted }, CloudJson.Options);
    }

    private static void WriteItemHeaders(HttpResponse response, StorageItem item, string tenantPrefix)
    {
        response.Headers.ETag = EntityTagCodec.Encode(item.ETag);
        response.Headers[CloudRequest.ItemHeader] = CloudJson.ToHeader(WireItem.From(item, tenantPrefix));
        response.Headers.LastModified = item.Updated.ToString("R", CultureInfo.InvariantCulture);
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = item.ContentType is { } type && type.All(c => c is >= ' ' and < (char)0x7F)
            ? type
            : "application/octet-stream";
    }
}
