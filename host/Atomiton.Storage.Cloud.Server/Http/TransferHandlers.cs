using System.Text.Json;
using Atomiton.Storage.Cloud.Server.Changes;
using Microsoft.AspNetCore.Http;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary>
/// <c>POST /v1/copy</c> and <c>POST /v1/move</c>: server-side copies and moves inside the caller's
/// tenant, done by the served engine (natively where it can), with a condition on the destination.
/// </summary>
internal sealed class TransferHandlers(IStorageEngine engine, State.IChangeLog log)
{
    public Task<IResult> CopyAsync(HttpContext context, CancellationToken cancellationToken) =>
        TransferAsync(context, move: false, cancellationToken);

    public Task<IResult> MoveAsync(HttpContext context, CancellationToken cancellationToken) =>
        TransferAsync(context, move: true, cancellationToken);

    private async Task<IResult> TransferAsync(HttpContext context, bool move, CancellationToken cancellationToken)
    {
        var caller = CloudRequest.Caller(context);
        var operation = move ? StorageOperation.Move : StorageOperation.Copy;
        WireTransferRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<WireTransferRequest>(context.Request.Body, CloudJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request?.Source is null || request.Destination is null)
        {
            throw CloudRequest.InvalidArgument("The body must be JSON {\"source\": …, \"destination\": …, \"ifMatch\": …, \"ifNotExists\": …} with a source and a destination key.");
        }

        if (request.IfNotExists && request.IfMatch is not null)
        {
            throw CloudRequest.InvalidArgument("Send ifMatch or ifNotExists, not both.");
        }

        StorageKey.Validate(request.Source, "cloud", operation);
        StorageKey.Validate(request.Destination, "cloud", operation);
        var source = CloudRequest.EngineKey(caller, request.Source);
        var destination = CloudRequest.EngineKey(caller, request.Destination);
        var condition = request.IfNotExists ? WriteCondition.IfNotExists
            : request.IfMatch is { } etag ? WriteCondition.IfMatch(etag)
            : WriteCondition.None;
        StorageItem item;
        if (move)
        {
            item = await log.WriteAsync([source, destination],
                token => engine.MoveAsync(source, destination, condition, token).AsTask(),
                moved => [new ChangeRecord { Kind = ChangeRecord.Move, Key = moved.Key, From = source, Item = WireItem.From(moved, string.Empty) }],
                cancellationToken,
                refusalsChangeNothing: false,
                claims: async token => [new(destination, (await engine.StatAsync(source, token)).Size), new(source, null)]);
        }
        else
        {
            item = await log.WriteAsync([destination],
                token => engine.CopyAsync(source, destination, condition, token).AsTask(),
                copied => [new ChangeRecord { Kind = ChangeRecord.Upsert, Key = copied.Key, Item = WireItem.From(copied, string.Empty) }],
                cancellationToken,
                claims: async token => [new(destination, (await engine.StatAsync(source, token)).Size)]);
        }

        context.Response.Headers.ETag = EntityTagCodec.Encode(item.ETag);
        return Results.Json(WireItem.From(item, caller.TenantPrefix), CloudJson.Options);
    }
}
