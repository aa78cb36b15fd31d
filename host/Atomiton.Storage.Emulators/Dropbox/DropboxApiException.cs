using System.Text.Json.Nodes;

namespace Atomiton.Storage.Emulators.Dropbox;

/// <summary>
/// An answer other than success, in Dropbox's shapes: 409 with <c>{"error_summary", "error"}</c> (the
/// union's <c>.tag</c> chain), 400 with a plain-text body, 401 with an auth error, 429 with
/// <c>retry_after</c> and a <c>Retry-After</c> header.
/// </summary>
internal sealed class DropboxApiException : Exception
{
    private DropboxApiException(int status, string summary, JsonObject? error, string? text, int? retryAfter)
        : base(summary)
    {
        Status = status;
        Summary = summary;
        Error = error;
        Text = text;
        RetryAfter = retryAfter;
    }

    public int Status { get; }

    public string Summary { get; }

    public JsonObject? Error { get; }

    public string? Text { get; }

    public int? RetryAfter { get; }

    /// <summary>A 409 whose error is the nested union <paramref name="tags"/> (each a member of the one before).</summary>
    public static DropboxApiException Conflict(params string[] tags) => Conflict(Chain(tags), tags);

    /// <summary>A 409 with a hand-built error (unions whose member is not named after its tag, such as <c>path.reason</c>).</summary>
    public static DropboxApiException Conflict(JsonObject error, IEnumerable<string> summaryTags) =>
        new(409, string.Join('/', summaryTags) + "/..", error, null, null);

    /// <summary>A 400 with a plain-text body, as Dropbox answers malformed arguments.</summary>
    public static DropboxApiException BadRequest(string text) => new(400, text, null, text, null);

    /// <summary>A 401 (<c>invalid_access_token</c>, <c>expired_access_token</c>, <c>missing_scope</c>).</summary>
    public static DropboxApiException Unauthorized(string tag) => new(401, tag + "/..", Chain(tag), null, null);

    /// <summary>A 429 (<c>too_many_requests</c> or <c>too_many_write_operations</c>).</summary>
    public static DropboxApiException RateLimited(string reason, int retryAfterSeconds) =>
        new(429, reason + "/..", new JsonObject { ["reason"] = Chain(reason), ["retry_after"] = retryAfterSeconds }, null, retryAfterSeconds);

    /// <summary>A server error with a plain-text body.</summary>
    public static DropboxApiException ServerError(int status) => new(status, "Internal Server Error", null, "Internal Server Error", status == 503 ? 1 : null);

    /// <summary><c>{".tag": a, a: {".tag": b, b: {…}}}</c>.</summary>
    public static JsonObject Chain(params string[] tags)
    {
        JsonObject? inner = null;
        for (int i = tags.Length - 1; i >= 0; i--)
        {
            var node = new JsonObject { [".tag"] = tags[i] };
            if (inner is not null)
            {
                node[tags[i]] = inner;
            }

            inner = node;
        }

        return inner ?? throw new ArgumentException("At least one tag.", nameof(tags));
    }
}
