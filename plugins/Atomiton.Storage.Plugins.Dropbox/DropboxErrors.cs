using System.Globalization;
using System.Net;
using System.Text.Json;
using Atomiton.Storage.Plugins.Dropbox.Wire;

namespace Atomiton.Storage.Plugins.Dropbox;

/// <summary>
/// Turns Dropbox's answers into <see cref="StorageException"/>s, deciding by the structured
/// <c>.tag</c> chain of the error (never by <c>error_summary</c>, which is for people): not_found →
/// NotFound; conflict/file → Conflict; conflict/folder, conflict/file_ancestor, malformed_path,
/// disallowed_name → UnrepresentableKey; insufficient_space → QuotaExceeded; reset → CursorExpired;
/// 429 → RateLimited with Retry-After; 5xx → NetworkError (transient); 400 → InvalidArgument with
/// Dropbox's text. Every message names the key and the Dropbox tag.
/// </summary>
internal static class DropboxErrors
{
    /// <summary>Where an error keeps its tag chain (such as <c>path/conflict/file</c>) in <see cref="Exception.Data"/>.</summary>
    public const string TagsKey = "dropbox.tags";

    /// <summary>Where an error keeps the HTTP status.</summary>
    public const string StatusKey = "dropbox.status";

    /// <summary>Where an <c>incorrect_offset</c> error keeps Dropbox's <c>correct_offset</c>.</summary>
    public const string OffsetKey = "dropbox.correct_offset";

    public static async Task<StorageException> FromResponseAsync(HttpResponseMessage response, string? key, string route, CancellationToken cancellationToken)
    {
        int status = (int)response.StatusCode;
        string body = "";
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            // The body is lost; the status alone decides.
        }

        string tags = "";
        long? correctOffset = null;
        int? retryAfterBody = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && body.Length > 0)
        {
            try
            {
                var error = JsonSerializer.Deserialize(body, DropboxJsonContext.Default.WireError);
                if (error?.Error is { ValueKind: JsonValueKind.Object } union)
                {
                    tags = TagChain(union, out correctOffset);
                    retryAfterBody = union.TryGetProperty("retry_after", out var r) && r.TryGetInt32(out int seconds) ? seconds : null;
                }
            }
            catch (JsonException)
            {
                // Not Dropbox's error shape (a proxy's page): the status decides.
            }
        }

        var retryAfter = response.Headers.RetryAfter?.Delta ?? (retryAfterBody is { } s ? TimeSpan.FromSeconds(s) : null);
        var (code, transient, advice) = Classify(status, tags);
        string subject = key is null ? "" : $" for key '{key}'";
        string what = tags.Length > 0 ? tags : status == 400 ? Shorten(body) : response.ReasonPhrase ?? "";
        var exception = new StorageException(code, $"Dropbox answered {status} {what}{subject} ({route}): {advice}")
        {
            Key = key,
            Provider = DropboxProvider.TypeName,
            IsTransient = transient,
            RetryAfter = retryAfter,
            CursorTrust = code == StorageErrorCode.CursorExpired ? ChangeCursorTrust.Untrusted : null,
        };
        exception.Data[TagsKey] = tags;
        exception.Data[StatusKey] = status;
        if (correctOffset is { } offset)
        {
            exception.Data[OffsetKey] = offset;
        }

        return exception;
    }

    /// <summary>The union's tags from the outside in: each member named after its tag (or <c>reason</c>, as in <c>UploadWriteFailed</c>) is followed.</summary>
    public static string TagChain(JsonElement union, out long? correctOffset)
    {
        correctOffset = null;
        var tags = new List<string>();
        var current = union;
        while (true)
        {
            if (current.TryGetProperty("correct_offset", out var offset) && offset.TryGetInt64(out long value))
            {
                correctOffset = value;
            }

            if (!current.TryGetProperty(".tag", out var tagElement))
            {
                if (current.TryGetProperty("reason", out var bare) && bare.ValueKind == JsonValueKind.Object)
                {
                    current = bare; // 429: {"reason": {".tag": …}, "retry_after": N}
                    continue;
                }

                break;
            }

            string tag = tagElement.GetString() ?? "";
            tags.Add(tag);
            if (current.TryGetProperty(tag, out var member) && member.ValueKind == JsonValueKind.Object)
            {
                current = member;
            }
            else if (current.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.Object)
            {
                current = reason;
            }
            else
            {
                break;
            }
        }

        return string.Join('/', tags);
    }

    public static string TagsOf(StorageException e) => e.Data[TagsKey] as string ?? "";

    public static int StatusOf(StorageException e) => e.Data[StatusKey] as int? ?? 0;

    public static StorageException Network(string? key, string route, Exception cause) =>
        new(StorageErrorCode.NetworkError, $"Could not reach Dropbox for {route}{(key is null ? "" : $" (key '{key}')")}: {cause.Message}. Check the network (and the address options); the request was retried where safe.", cause)
        { Key = key, Provider = DropboxProvider.TypeName, IsTransient = true };

    public static StorageException Timeout(string? key, string route, TimeSpan timeout, Exception cause) =>
        new(StorageErrorCode.Timeout, $"Dropbox did not answer {route}{(key is null ? "" : $" (key '{key}')")} within {timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s (option 'requestTimeout').", cause)
        { Key = key, Provider = DropboxProvider.TypeName, IsTransient = true };

    private static (StorageErrorCode Code, bool Transient, string Advice) Classify(int status, string tags)
    {
        string last = tags.Length == 0 ? "" : tags[(tags.LastIndexOf('/') + 1)..];
        return status switch
        {
            400 => (StorageErrorCode.InvalidArgument, false, "Dropbox refused the request's arguments; this is a bug in the plugin or an option (see the text above)."),
            401 => (StorageErrorCode.AuthenticationFailed, false, "the access token is invalid or revoked; sign in again with atomiton-storage auth login."),
            403 => (StorageErrorCode.AccessDenied, false, "the app lacks the permission (check its scopes and access type in the App Console)."),
            429 => (StorageErrorCode.RateLimited, true, last == "too_many_write_operations"
                ? "another write held the namespace's lock; the write is retried after Dropbox's wait."
                : "too many requests; retried after Dropbox's wait (lower requestsPerSecond to avoid it)."),
            409 => Classify409(tags, last),
            >= 500 => (StorageErrorCode.NetworkError, true, "Dropbox had a server error; retried."),
            _ => (StorageErrorCode.Unknown, false, "unexpected answer."),
        };
    }

    private static (StorageErrorCode, bool, string) Classify409(string tags, string last)
    {
        if (tags.Contains("insufficient_space", StringComparison.Ordinal))
        {
            return (StorageErrorCode.QuotaExceeded, false, "the Dropbox is full; free space or upgrade the plan. Nothing was written.");
        }

        if (tags.Contains("too_many_write_operations", StringComparison.Ordinal))
        {
            return (StorageErrorCode.RateLimited, true, "another write held the namespace's lock; retried.");
        }

        return last switch
        {
            "not_found" or "not_file" or "not_folder" => (StorageErrorCode.NotFound, false, "no such file."),
            "file" when tags.Contains("conflict", StringComparison.Ordinal) => (StorageErrorCode.Conflict, false, "a file is already there (or its revision differs from the one expected). Nothing was written."),
            "folder" or "file_ancestor" => (StorageErrorCode.UnrepresentableKey, false, "a Dropbox file and folder cannot share a name: the key collides with a folder (keys under it) or with a file above it."),
            "malformed_path" or "disallowed_name" => (StorageErrorCode.UnrepresentableKey, false, "Dropbox does not accept this name; use the 'encoded' name mode or another key."),
            "reset" => (StorageErrorCode.CursorExpired, false, "Dropbox invalidated the change cursor; list the prefix again and take a new cursor."),
            "payload_too_large" or "too_large" => (StorageErrorCode.ObjectTooLarge, false, "the object is larger than Dropbox accepts."),
            "content_hash_mismatch" => (StorageErrorCode.Integrity, false, "the bytes Dropbox received differ from the content hash sent; nothing was written."),
            "duplicated_or_nested_paths" or "cant_move_folder_into_itself" => (StorageErrorCode.InvalidArgument, false, "source and destination overlap."),
            "incorrect_offset" => (StorageErrorCode.NetworkError, true, "the upload session holds another length than sent; resuming from Dropbox's offset."),
            _ => (StorageErrorCode.Unknown, false, "see Dropbox's documentation of this error."),
        };
    }

    private static string Shorten(string text) => text.Length <= 300 ? text.Trim() : text[..300].Trim() + "…";
}
