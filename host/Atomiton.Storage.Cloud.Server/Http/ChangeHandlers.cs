using System.Globalization;
using Atomiton.Storage.Cloud.Server.Changes;
using Microsoft.AspNetCore.Http;

namespace Atomiton.Storage.Cloud.Server.Http;

/// <summary>
/// <c>/v1/changes…</c>: the change feed of the caller's tenant — the latest cursor for a prefix, the
/// changes after a cursor one page at a time, and a long poll that answers once changes wait.
/// </summary>
internal sealed class ChangeHandlers(State.IChangeLog log, CloudServerOptions options)
{
    /// <summary>The largest page of changes.</summary>
    public const int MaxPageSize = 1000;

    public async Task<IResult> CursorAsync(HttpContext context, CancellationToken cancellationToken)
    {
        CloudRequest.Caller(context);
        var prefix = context.Request.Query["prefix"].ToString();
        StorageKey.ValidatePrefix(prefix, "cloud", StorageOperation.ChangeCursor);
        var cursor = await log.LatestAsync(prefix, cancellationToken);
        return Results.Json(new WireChangeCursor(cursor.Encode()), CloudJson.Options);
    }

    public async Task<IResult> ReadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = CloudRequest.Caller(context);
        var query = context.Request.Query;
        var cursor = ChangeCursor.Decode(query["cursor"].ToString());
        int limit = MaxPageSize;
        if (query.ContainsKey("limit") && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxPageSize))
        {
            throw CloudRequest.InvalidArgument($"limit must be a whole number from 1 to {MaxPageSize}.");
        }

        var (changes, next, hasMore) = await log.ReadAsync(cursor, caller.TenantPrefix, limit, cancellationToken);
        return Results.Json(new WireChangePage(changes, next.Encode(), hasMore), CloudJson.Options);
    }

    public async Task<IResult> WaitAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = CloudRequest.Caller(context);
        var query = context.Request.Query;
        var cursor = ChangeCursor.Decode(query["cursor"].ToString());
        var timeout = options.MaxChangeWait;
        if (query.ContainsKey("timeout"))
        {
            if (!double.TryParse(query["timeout"], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) || seconds <= 0 || double.IsInfinity(seconds))
            {
                throw CloudRequest.InvalidArgument($"timeout must be a positive number of seconds (the server waits at most {options.MaxChangeWait.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s).");
            }

            timeout = seconds >= options.MaxChangeWait.TotalSeconds ? options.MaxChangeWait : TimeSpan.FromSeconds(seconds);
        }

        bool changed = await log.WaitAsync(cursor, caller.TenantPrefix, timeout, cancellationToken);
        return Results.Json(new WireChangeWait(changed), CloudJson.Options);
    }
}
