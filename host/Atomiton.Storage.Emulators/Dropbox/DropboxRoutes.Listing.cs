using System.Text.Json.Nodes;

namespace Atomiton.Storage.Emulators.Dropbox;

/// <summary>Listing and changes: <c>list_folder</c> (paged by cursor), <c>continue</c> (the rest, then every change since), <c>get_latest_cursor</c> and the long poll.</summary>
internal sealed partial class DropboxRoutes
{
    private const int DefaultLimit = 1000;

    private JsonObject ListFolder(JsonObject args)
    {
        string folder = DropboxNamespace.Normalize(Str(args, "path"), allowRoot: true, "path");
        bool recursive = args["recursive"]?.GetValue<bool>() ?? false;
        int limit = Limit(args);
        files.List(folder, recursive); // not_found / not_folder
        var cursor = new DropboxCursor(files.Generation, folder, recursive, files.Sequence, ListedAfter: null, Listing: true);
        return Page(cursor, limit);
    }

    private JsonObject Continue(JsonObject args)
    {
        var cursor = Cursor(args, "files/list_folder/continue");
        return Page(cursor, DefaultLimit);
    }

    private JsonObject LatestCursor(JsonObject args)
    {
        string folder = DropboxNamespace.Normalize(Str(args, "path"), allowRoot: true, "path");
        bool recursive = args["recursive"]?.GetValue<bool>() ?? false;
        files.List(folder, recursive);
        return new JsonObject { ["cursor"] = new DropboxCursor(files.Generation, folder, recursive, files.Sequence, null, Listing: false).Encode(cursorKey) };
    }

    private async Task<JsonObject> LongPollAsync(JsonObject args, CancellationToken cancellationToken)
    {
        var cursor = Cursor(args, "files/list_folder/longpoll");
        int timeout = args["timeout"]?.GetValue<int>() ?? 30;
        if (timeout is < 30 or > 480)
        {
            throw DropboxApiException.BadRequest("Error in call to API function \"files/list_folder/longpoll\": timeout must be between 30 and 480 seconds.");
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(timeout), options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        while (true)
        {
            var next = files.NextChange;
            if (files.Generation != cursor.Generation)
            {
                throw DropboxApiException.Conflict("reset");
            }

            if (files.ChangesSince(cursor.Folder, cursor.Recursive, cursor.Sequence).Count > 0)
            {
                return new JsonObject { ["changes"] = true };
            }

            try
            {
                await next.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return new JsonObject { ["changes"] = false };
            }
        }
    }

    private DropboxCursor Cursor(JsonObject args, string route)
    {
        var cursor = DropboxCursor.Decode(Str(args, "cursor"), cursorKey, route);
        if (cursor.Generation != files.Generation)
        {
            throw DropboxApiException.Conflict("reset");
        }

        return cursor;
    }

    /// <summary>The next page: the listing in path order while it lasts, then every change after the cursor's sequence.</summary>
    private JsonObject Page(DropboxCursor cursor, int limit)
    {
        var entries = new JsonArray();
        if (cursor.Listing)
        {
            List<(string Lower, DropboxEntry Entry)> listed;
            try
            {
                listed = files.List(cursor.Folder, cursor.Recursive);
            }
            catch (DropboxApiException)
            {
                listed = []; // the folder went away while paging: its deletion is among the changes
            }

            var rest = listed.Where(e => cursor.ListedAfter is null || string.CompareOrdinal(e.Lower, cursor.ListedAfter) > 0).Take(limit + 1).ToList();
            foreach (var (_, entry) in rest.Take(limit))
            {
                entries.Add(DropboxJson.Metadata(entry));
            }

            bool more = rest.Count > limit;
            var next = more
                ? cursor with { ListedAfter = rest[limit - 1].Lower }
                : cursor with { ListedAfter = null, Listing = false };
            // Changes made while paging are read with the final cursor, after the listing.
            return new JsonObject { ["entries"] = entries, ["cursor"] = next.Encode(cursorKey), ["has_more"] = more };
        }

        var changed = files.ChangesSince(cursor.Folder, cursor.Recursive, cursor.Sequence);
        foreach (var change in changed.Take(limit))
        {
            entries.Add(change.Entry is { } entry ? DropboxJson.Metadata(entry) : DropboxJson.Deleted(change.Display));
        }

        long seen = changed.Count == 0 ? cursor.Sequence : changed[Math.Min(limit, changed.Count) - 1].Sequence;
        return new JsonObject
        {
            ["entries"] = entries,
            ["cursor"] = (cursor with { Sequence = seen }).Encode(cursorKey),
            ["has_more"] = changed.Count > limit,
        };
    }

    private static int Limit(JsonObject args)
    {
        int limit = args["limit"]?.GetValue<int>() ?? DefaultLimit;
        return limit is >= 1 and <= 2000 ? limit : throw DropboxApiException.BadRequest("Error in call to API function \"files/list_folder\": limit must be between 1 and 2000.");
    }
}
