using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Atomiton.Storage.Emulators.OAuth;
using Microsoft.AspNetCore.Http;

namespace Atomiton.Storage.Emulators.Dropbox;

/// <summary>The API v2 routes: authentication, scripted faults, then the route's handler; errors leave as <see cref="DropboxApiException"/> and are written in Dropbox's shapes.</summary>
internal sealed partial class DropboxRoutes(DropboxServer server, DropboxNamespace files, LoopbackOAuthAuthorityState oauth, DropboxEmulatorOptions options, byte[] cursorKey)
{
    private static readonly HashSet<string> ContentRoutes = new(StringComparer.Ordinal)
    {
        "files/upload", "files/download", "files/upload_session/start", "files/upload_session/append_v2", "files/upload_session/append", "files/upload_session/finish",
    };

    private readonly Dictionary<string, UploadSession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _jobs = new(StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext context, string route)
    {
        server.Faults.Counted(route);
        try
        {
            if (!HttpMethods.IsPost(context.Request.Method))
            {
                throw DropboxApiException.BadRequest($"Error in call to API function \"{route}\": only POST is allowed.");
            }

            bool content = ContentRoutes.Contains(route);
            if (content != server.IsContentHost(context))
            {
                throw DropboxApiException.BadRequest($"Error in call to API function \"{route}\": this route is served by the {(content ? "content" : "API")} host.");
            }

            if (route != "files/list_folder/longpoll")
            {
                Authenticate(context);
            }

            var fault = server.Faults.Take(route);
            if (fault is not null && fault.Kind != DropboxFaults.Kind.CutAfterEffect)
            {
                await ApplyAsync(fault, context);
                return;
            }

            if (fault is not null)
            {
                // The request takes effect; its answer is written nowhere and lost with the connection.
                context.Response.Body = Stream.Null;
                await DispatchAsync(context, route, content);
                context.Abort();
                return;
            }

            await DispatchAsync(context, route, content);
        }
        catch (DropboxApiException e) when (!context.Response.HasStarted)
        {
            await WriteErrorAsync(context, e);
        }
    }

    private async Task DispatchAsync(HttpContext context, string route, bool content)
    {
        if (content)
        {
            string? header = context.Request.Headers["Dropbox-API-Arg"];
            header ??= context.Request.Query["arg"];
            if (header is not null && header.Any(c => c > 0x7E))
            {
                throw DropboxApiException.BadRequest("Error in call to API function: Dropbox-API-Arg must be ASCII; escape characters 0x7F and above as \\uXXXX.");
            }

            var args = DropboxJson.ParseArgs(header, route);
            switch (route)
            {
                case "files/download": await DownloadAsync(context, args); return;
                case "files/upload": await WriteJsonAsync(context, await UploadAsync(context, args)); return;
                case "files/upload_session/start": await WriteJsonAsync(context, await StartSessionAsync(context, args)); return;
                case "files/upload_session/append_v2": await AppendAsync(context, (JsonObject?)args["cursor"], args); await WriteJsonAsync(context, null); return;
                case "files/upload_session/append": await AppendAsync(context, args, args); await WriteJsonAsync(context, null); return;
                case "files/upload_session/finish": await WriteJsonAsync(context, await FinishAsync(context, args)); return;
            }
        }

        if (context.Request.ContentLength > 0 && context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            throw DropboxApiException.BadRequest($"Error in call to API function \"{route}\": Bad HTTP \"Content-Type\" header: \"{context.Request.ContentType}\". Expecting one of \"application/json\", \"application/json; charset=utf-8\", \"text/plain; charset=dropbox-cors-hack\".");
        }

        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var rpc = DropboxJson.ParseArgs(body, route);
        JsonNode? result = route switch
        {
            "files/get_metadata" => GetMetadata(rpc),
            "files/delete_v2" => new JsonObject { ["metadata"] = Metadata(files.Delete(DropboxNamespace.Normalize(Str(rpc, "path"), false, "path_lookup"), rpc["parent_rev"]?.GetValue<string>())) },
            "files/delete_batch" => DeleteBatch(rpc),
            "files/delete_batch/check" => CheckJob(rpc),
            "files/copy_v2" => Relocate(rpc, move: false),
            "files/move_v2" => Relocate(rpc, move: true),
            "files/list_folder" => ListFolder(rpc),
            "files/list_folder/continue" => Continue(rpc),
            "files/list_folder/get_latest_cursor" => LatestCursor(rpc),
            "files/list_folder/longpoll" => await LongPollAsync(rpc, context.RequestAborted),
            "files/create_folder_v2" => new JsonObject { ["metadata"] = Metadata(files.CreateFolder(Str(rpc, "path") ?? "")) },
            "users/get_space_usage" => new JsonObject
            {
                ["used"] = files.Used,
                ["allocation"] = new JsonObject { [".tag"] = "individual", ["allocated"] = options.SpaceAllocated },
            },
            "users/get_current_account" => new JsonObject
            {
                ["account_id"] = "dbid:emulated-account",
                ["name"] = new JsonObject { ["display_name"] = "Emulated User", ["given_name"] = "Emulated", ["surname"] = "User", ["familiar_name"] = "Emulated", ["abbreviated_name"] = "EU" },
                ["email"] = "user@example.test",
                ["email_verified"] = true,
                ["disabled"] = false,
                ["account_type"] = new JsonObject { [".tag"] = "basic" },
            },
            "auth/token/revoke" => Revoke(context),
            _ => throw DropboxApiException.BadRequest($"Unknown API function: \"{route}\""),
        };
        await WriteJsonAsync(context, result);
    }

    private void Authenticate(HttpContext context)
    {
        string header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            throw DropboxApiException.BadRequest("Error in call to API function: Must provide HTTP header \"Authorization\" or URL parameter \"authorization\".");
        }

        string token = header[7..];
        lock (oauth.Gate)
        {
            if (!oauth.AccessTokens.TryGetValue(token, out var expires))
            {
                throw DropboxApiException.Unauthorized("invalid_access_token");
            }

            if (expires <= options.TimeProvider.GetUtcNow())
            {
                throw DropboxApiException.Unauthorized("expired_access_token");
            }
        }
    }

    private JsonNode? Revoke(HttpContext context)
    {
        lock (oauth.Gate)
        {
            oauth.AccessTokens.Remove(context.Request.Headers.Authorization.ToString()[7..]);
        }

        return null;
    }

    /// <summary>Applies a scripted fault that fails the request before it takes effect.</summary>
    private static async Task ApplyAsync(DropboxFaults.Fault fault, HttpContext context)
    {
        switch (fault.Kind)
        {
            case DropboxFaults.Kind.RateLimit:
                throw DropboxApiException.RateLimited(fault.Reason, fault.RetryAfterSeconds);
            case DropboxFaults.Kind.ServerError:
                throw DropboxApiException.ServerError(fault.Status);
            case DropboxFaults.Kind.ExpiredToken:
                throw DropboxApiException.Unauthorized("expired_access_token");
            case DropboxFaults.Kind.CutMidBody:
                long half = (context.Request.ContentLength ?? 2) / 2;
                var buffer = new byte[64 * 1024];
                for (long read = 0; read < half;)
                {
                    int n = await context.Request.Body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, half - read)), context.RequestAborted);
                    if (n == 0)
                    {
                        break;
                    }

                    read += n;
                }

                context.Abort();
                return;
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, DropboxApiException e)
    {
        context.Response.StatusCode = e.Status;
        if (e.RetryAfter is { } after)
        {
            context.Response.Headers.RetryAfter = after.ToString(CultureInfo.InvariantCulture);
        }

        if (e.Text is not null)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(e.Text);
            return;
        }

        var body = new JsonObject { ["error_summary"] = e.Summary, ["error"] = e.Error };
        if (e.Status == 409 && e.Summary.StartsWith("path/insufficient_space", StringComparison.Ordinal))
        {
            body["user_message"] = new JsonObject { ["text"] = "There is not enough space in this Dropbox.", ["locale"] = "en" };
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static async Task WriteJsonAsync(HttpContext context, JsonNode? result)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(result?.ToJsonString() ?? "null");
    }

    private static string? Str(JsonObject args, string name) => args[name]?.GetValue<string>();

    private static JsonObject Metadata(DropboxEntry entry) => DropboxJson.Metadata(entry);

    private sealed class UploadSession(string file)
    {
        public string File { get; } = file;

        public long Offset { get; set; }

        public bool Closed { get; set; }

        public SemaphoreSlim Gate { get; } = new(1, 1);
    }
}
