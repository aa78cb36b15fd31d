using System.Text.Json;
using System.Text.Json.Serialization;

namespace Atomiton.Storage.Plugins.Dropbox.Wire;

// The API v2 shapes this plugin uses (https://www.dropbox.com/developers/documentation/http/documentation),
// snake_case as on the wire. Unions carry ".tag".

/// <summary><c>Metadata</c>: a file, folder or deleted entry.</summary>
internal sealed record WireMetadata
{
    [JsonPropertyName(".tag")] public string? Tag { get; init; }
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("path_lower")] public string? PathLower { get; init; }
    [JsonPropertyName("path_display")] public string? PathDisplay { get; init; }
    [JsonPropertyName("client_modified")] public DateTimeOffset? ClientModified { get; init; }
    [JsonPropertyName("server_modified")] public DateTimeOffset? ServerModified { get; init; }
    [JsonPropertyName("rev")] public string? Rev { get; init; }
    [JsonPropertyName("size")] public long Size { get; init; }
    [JsonPropertyName("content_hash")] public string? ContentHash { get; init; }
}

/// <summary><c>WriteMode</c>: <c>add</c>, <c>overwrite</c> or <c>update</c> with the revision.</summary>
internal sealed record WireWriteMode([property: JsonPropertyName(".tag")] string Tag, [property: JsonPropertyName("update")] string? Update = null)
{
    public static WireWriteMode Add { get; } = new("add");

    public static WireWriteMode Overwrite { get; } = new("overwrite");
}

/// <summary><c>CommitInfo</c> / <c>UploadArg</c>.</summary>
internal sealed record WireCommit
{
    [JsonPropertyName("path")] public required string Path { get; init; }
    [JsonPropertyName("mode")] public required WireWriteMode Mode { get; init; }
    [JsonPropertyName("autorename")] public bool Autorename { get; init; }
    [JsonPropertyName("client_modified")] public string? ClientModified { get; init; }
    [JsonPropertyName("mute")] public bool Mute { get; init; } = true;
    [JsonPropertyName("strict_conflict")] public bool StrictConflict { get; init; }
    [JsonPropertyName("content_hash")] public string? ContentHash { get; init; }
}

internal sealed record WirePath([property: JsonPropertyName("path")] string Path);

internal sealed record WireCreateFolderArg([property: JsonPropertyName("path")] string Path, [property: JsonPropertyName("autorename")] bool Autorename = false);

internal sealed record WireDeleteArg([property: JsonPropertyName("path")] string Path, [property: JsonPropertyName("parent_rev")] string? ParentRev = null);

internal sealed record WireDeleteBatchArg([property: JsonPropertyName("entries")] IReadOnlyList<WireDeleteArg> Entries);

internal sealed record WireRelocationArg(
    [property: JsonPropertyName("from_path")] string FromPath,
    [property: JsonPropertyName("to_path")] string ToPath,
    [property: JsonPropertyName("autorename")] bool Autorename = false);

internal sealed record WireMetadataResult([property: JsonPropertyName("metadata")] WireMetadata Metadata);

internal sealed record WireListFolderArg
{
    [JsonPropertyName("path")] public required string Path { get; init; }
    [JsonPropertyName("recursive")] public bool Recursive { get; init; }
    [JsonPropertyName("include_deleted")] public bool IncludeDeleted { get; init; }
    [JsonPropertyName("limit")] public int? Limit { get; init; }
}

internal sealed record WireCursorArg([property: JsonPropertyName("cursor")] string Cursor);

internal sealed record WireLongPollArg([property: JsonPropertyName("cursor")] string Cursor, [property: JsonPropertyName("timeout")] int Timeout);

internal sealed record WireLongPollResult([property: JsonPropertyName("changes")] bool Changes, [property: JsonPropertyName("backoff")] int? Backoff = null);

internal sealed record WireListFolderResult(
    [property: JsonPropertyName("entries")] IReadOnlyList<WireMetadata> Entries,
    [property: JsonPropertyName("cursor")] string Cursor,
    [property: JsonPropertyName("has_more")] bool HasMore);

internal sealed record WireCursorResult([property: JsonPropertyName("cursor")] string Cursor);

internal sealed record WireSessionStartArg([property: JsonPropertyName("close")] bool Close = false);

internal sealed record WireSessionStartResult([property: JsonPropertyName("session_id")] string SessionId);

internal sealed record WireSessionCursor([property: JsonPropertyName("session_id")] string SessionId, [property: JsonPropertyName("offset")] long Offset);

internal sealed record WireAppendArg([property: JsonPropertyName("cursor")] WireSessionCursor Cursor, [property: JsonPropertyName("close")] bool Close = false);

internal sealed record WireFinishArg(
    [property: JsonPropertyName("cursor")] WireSessionCursor Cursor,
    [property: JsonPropertyName("commit")] WireCommit Commit,
    [property: JsonPropertyName("content_hash")] string? ContentHash = null);

internal sealed record WireAsyncJobArg([property: JsonPropertyName("async_job_id")] string AsyncJobId);

/// <summary><c>DeleteBatchLaunch</c> and <c>DeleteBatchJobStatus</c>: <c>async_job_id</c>, <c>in_progress</c>, <c>complete</c> (with entries) or <c>failed</c>.</summary>
internal sealed record WireBatchJob
{
    [JsonPropertyName(".tag")] public string Tag { get; init; } = "";
    [JsonPropertyName("async_job_id")] public string? AsyncJobId { get; init; }
    [JsonPropertyName("entries")] public IReadOnlyList<WireBatchEntry>? Entries { get; init; }
}

internal sealed record WireBatchEntry
{
    [JsonPropertyName(".tag")] public string Tag { get; init; } = "";
    [JsonPropertyName("metadata")] public WireMetadata? Metadata { get; init; }
    [JsonPropertyName("failure")] public JsonElement? Failure { get; init; }
}

internal sealed record WireSpaceUsage
{
    [JsonPropertyName("used")] public long Used { get; init; }
    [JsonPropertyName("allocation")] public WireAllocation? Allocation { get; init; }
}

internal sealed record WireAllocation
{
    [JsonPropertyName(".tag")] public string? Tag { get; init; }
    [JsonPropertyName("allocated")] public long? Allocated { get; init; }
}

internal sealed record WireAccount
{
    [JsonPropertyName("account_id")] public string? AccountId { get; init; }
    [JsonPropertyName("email")] public string? Email { get; init; }
}

/// <summary>An endpoint error: <c>{"error_summary", "error"}</c>; <c>error</c> is the union to branch on.</summary>
internal sealed record WireError
{
    [JsonPropertyName("error_summary")] public string? ErrorSummary { get; init; }
    [JsonPropertyName("error")] public JsonElement? Error { get; init; }
}

/// <summary>
/// Source-generated serialisation of the wire types. The default encoder escapes every character
/// above U+007E as <c>\uXXXX</c>, which is what the <c>Dropbox-API-Arg</c> header requires.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WireMetadata))]
[JsonSerializable(typeof(WireCommit))]
[JsonSerializable(typeof(WirePath))]
[JsonSerializable(typeof(WireDeleteArg))]
[JsonSerializable(typeof(WireCreateFolderArg))]
[JsonSerializable(typeof(WireDeleteBatchArg))]
[JsonSerializable(typeof(WireRelocationArg))]
[JsonSerializable(typeof(WireMetadataResult))]
[JsonSerializable(typeof(WireListFolderArg))]
[JsonSerializable(typeof(WireCursorArg))]
[JsonSerializable(typeof(WireLongPollArg))]
[JsonSerializable(typeof(WireLongPollResult))]
[JsonSerializable(typeof(WireListFolderResult))]
[JsonSerializable(typeof(WireCursorResult))]
[JsonSerializable(typeof(WireSessionStartArg))]
[JsonSerializable(typeof(WireSessionStartResult))]
[JsonSerializable(typeof(WireAppendArg))]
[JsonSerializable(typeof(WireFinishArg))]
[JsonSerializable(typeof(WireAsyncJobArg))]
[JsonSerializable(typeof(WireBatchJob))]
[JsonSerializable(typeof(WireSpaceUsage))]
[JsonSerializable(typeof(WireAccount))]
[JsonSerializable(typeof(WireError))]
internal sealed partial class DropboxJsonContext : JsonSerializerContext;
