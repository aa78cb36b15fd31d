using System.Text;
using Atomiton.Storage.Plugins.Dropbox.Wire;

namespace Atomiton.Storage.Plugins.Dropbox;

/// <summary>
/// The change feed: a cursor is <c>dbx1.&lt;prefix, base64url&gt;.&lt;Dropbox cursor&gt;</c> on the root
/// folder, recursive (<c>list_folder/get_latest_cursor</c>); reading is <c>list_folder/continue</c>
/// (files → Upserted, deleted entries → Deleted, folders skipped, other prefixes filtered); waiting
/// is <c>list_folder/longpoll</c> on the notify host (30 s or more per poll, ended early here when the
/// caller's timeout is shorter). Dropbox's <c>reset</c> is CursorExpired.
/// </summary>
public sealed partial class DropboxEngine
{
    private const string CursorPrefix = "dbx1.";

    /// <inheritdoc />
    protected override async ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken)
    {
        WireCursorResult result;
        try
        {
            result = await LatestCursorAsync(prefix, cancellationToken);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound && _paths.Root.Length > 0)
        {
            // The root folder does not exist before the first save: create it, so its changes have a place to be read from.
            await CreateRootAsync(cancellationToken);
            result = await LatestCursorAsync(prefix, cancellationToken);
        }

        return CursorPrefix + Base64Url(Encoding.UTF8.GetBytes(prefix)) + "." + result.Cursor;
    }

    private ValueTask<WireCursorResult> LatestCursorAsync(string prefix, CancellationToken cancellationToken) =>
        _client.RpcAsync("files/list_folder/get_latest_cursor", new WireListFolderArg { Path = _paths.Root, Recursive = true },
            DropboxJsonContext.Default.WireListFolderArg, DropboxJsonContext.Default.WireCursorResult, prefix, write: false, cancellationToken);

    private async ValueTask CreateRootAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.RpcAsync("files/create_folder_v2", new WireCreateFolderArg(_paths.Root), DropboxJsonContext.Default.WireCreateFolderArg, DropboxJsonContext.Default.WireMetadataResult, null, write: true, cancellationToken);
        }
        catch (StorageException e) when (DropboxErrors.TagsOf(e) == "path/conflict/folder")
        {
            // Created meanwhile.
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
    {
        var (prefix, dropboxCursor) = ParseCursor(cursor);
        var page = await ContinueAsync(dropboxCursor, null, cancellationToken);
        var changes = new List<StorageChange>(page.Entries.Count);
        foreach (var entry in page.Entries)
        {
            if (entry.PathLower is null || entry.Tag == "folder" || _paths.KeyOf(entry.PathLower, entry.PathDisplay) is not { } key || !key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            changes.Add(entry.Tag == "file" ? new StorageChange(StorageChangeKind.Upserted, key, ItemOf(entry, key)) : new StorageChange(StorageChangeKind.Deleted, key));
        }

        return new StorageChangePage { Changes = changes, Cursor = CursorPrefix + Base64Url(Encoding.UTF8.GetBytes(prefix)) + "." + page.Cursor, HasMore = page.HasMore };
    }

    /// <inheritdoc />
    protected override async ValueTask<bool> WaitForChangesCoreAsync(string cursor, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var time = _client.TimeProvider;
        long started = time.GetTimestamp();
        while (true)
        {
            // Changes may be waiting already, or outside the prefix (which must not end the wait).
            var pending = await ReadChangesCoreAsync(cursor, ChangeReadOptions.Default, cancellationToken);
            if (pending.Changes.Count > 0)
            {
                return true;
            }

            cursor = pending.Cursor;
            string dropboxCursor = ParseCursor(cursor).DropboxCursor;
            var remaining = timeout - time.GetElapsedTime(started);
            if (remaining < TimeSpan.FromMilliseconds(1))
            {
                return false;
            }

            using var wait = new CancellationTokenSource(remaining, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wait.Token);
            WireLongPollResult result;
            try
            {
                result = await _client.LongPollAsync(dropboxCursor, (int)Math.Clamp(Math.Ceiling(remaining.TotalSeconds), 30, 480), linked.Token);
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            if (result.Backoff is { } backoff)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(backoff, Math.Max(0, (timeout - time.GetElapsedTime(started)).TotalSeconds))), time, cancellationToken);
            }
        }
    }

    private (string Prefix, string DropboxCursor) ParseCursor(string cursor)
    {
        int dot = cursor.IndexOf('.', CursorPrefix.Length);
        if (!cursor.StartsWith(CursorPrefix, StringComparison.Ordinal) || dot < 0 || dot == cursor.Length - 1)
        {
            throw ForgedCursor(cursor);
        }

        try
        {
            return (Encoding.UTF8.GetString(FromBase64Url(cursor[CursorPrefix.Length..dot])), cursor[(dot + 1)..]);
        }
        catch (FormatException)
        {
            throw ForgedCursor(cursor);
        }
    }

    private StorageException ForgedCursor(string cursor) =>
        new(StorageErrorCode.InvalidArgument, $"Change cursor '{(cursor.Length > 40 ? cursor[..40] + "…" : cursor)}' was not issued by the '{EngineType}' engine; take one from GetChangeCursorAsync or a page's Cursor.")
        { Provider = EngineType };

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        string base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
