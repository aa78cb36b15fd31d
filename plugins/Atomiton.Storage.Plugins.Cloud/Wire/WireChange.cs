namespace Atomiton.Storage.Cloud.Wire;

/// <summary>
/// One entry of the change feed, keys relative to the caller's tenant: <c>upserted</c> (with the
/// item), <c>deleted</c> (a tombstone) or <c>moved</c> (from <see cref="PreviousKey"/>, with the item).
/// </summary>
internal sealed record WireChange(string Kind, string Key, string? PreviousKey = null, WireItem? Item = null);

/// <summary>A page of <c>GET /v1/changes</c>: the changes after the cursor read, the cursor after them, and whether more wait.</summary>
internal sealed record WireChangePage(IReadOnlyList<WireChange> Changes, string Cursor, bool HasMore);

/// <summary>The answer of <c>GET /v1/changes/cursor</c>.</summary>
internal sealed record WireChangeCursor(string Cursor);

/// <summary>The answer of <c>GET /v1/changes/wait</c>: whether changes wait after the cursor.</summary>
internal sealed record WireChangeWait(bool Changed);

/// <summary>The body of <c>POST /v1/copy</c> and <c>POST /v1/move</c>: keys relative to the caller's tenant and a condition on the destination.</summary>
internal sealed record WireTransferRequest
{
    public string? Source { get; init; }

    public string? Destination { get; init; }

    /// <summary>Write the destination only if it has this ETag.</summary>
    public string? IfMatch { get; init; }

    /// <summary>True to write the destination only if it does not exist.</summary>
    public bool IfNotExists { get; init; }
}
