using System.Text;
using System.Text.Json;
using Atomiton.Storage.Plugins.GoogleDrive.Api;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>
/// The change feed through changes.getStartPageToken and changes.list: a cursor is the prefix and
/// Drive's page token. A change of a file in the folder is an upsert with the file's latest state; a
/// file moved to the trash is a delete (deletes trash files, so the name is known), unless another
/// file of that name lives; a "removed" change (permanently deleted elsewhere) carries no name and is skipped.
/// </summary>
public sealed partial class GoogleDriveEngine
{
    private const string CursorMarker = "gdc1:";

    /// <inheritdoc />
    protected override async ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken)
    {
        var start = await CallAsync(() => new GetStartPageTokenRequest(_service) { Fields = "startPageToken" }.ExecuteAsync(cancellationToken), prefix);
        return FormatCursor(prefix, start.StartPageToken!);
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken)
    {
        var (prefix, token) = ParseCursor(cursor);
        var page = await CallAsync(() => new ListChangesRequest(_service, token)
        {
            PageSize = Math.Clamp(options.PageSize ?? 1000, 1, 1000),
            Spaces = _space,
            IncludeRemoved = true,
            Fields = "nextPageToken,newStartPageToken,changes(fileId,removed,file(" + DriveItems.FileFields + "))",
        }.ExecuteAsync(cancellationToken), prefix);
        var changes = new List<StorageChange>();
        foreach (var change in page.Changes ?? [])
        {
            var file = change.File;
            if (change.Removed == true || file?.Name is null || file.Parents?.Contains(FolderId) != true || !file.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (file.Trashed != true)
            {
                changes.Add(new StorageChange(StorageChangeKind.Upserted, file.Name, DriveItems.ToItem(file)));
                continue;
            }

            // A trashed file: the key is gone unless another file of its name lives (an overwrite by
            // copy or move, a dedupe), whose state is then the key's latest.
            var live = await FindAllAsync(file.Name, cancellationToken);
            changes.Add(live.Count == 0
                ? new StorageChange(StorageChangeKind.Deleted, file.Name)
                : new StorageChange(StorageChangeKind.Upserted, file.Name, DriveItems.ToItem(DriveItems.Winner(live))));
        }

        string next = page.NextPageToken ?? page.NewStartPageToken
            ?? throw new StorageException(StorageErrorCode.SerializationError, "Google Drive answered changes.list without a next or new start page token.");
        return new StorageChangePage { Changes = changes, Cursor = FormatCursor(prefix, next), HasMore = page.NextPageToken is not null };
    }

    private static string FormatCursor(string prefix, string token) =>
        CursorMarker + Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new[] { prefix, token })));

    private static (string Prefix, string Token) ParseCursor(string cursor)
    {
        try
        {
            if (cursor.StartsWith(CursorMarker, StringComparison.Ordinal)
                && JsonSerializer.Deserialize<string[]>(Convert.FromBase64String(cursor[CursorMarker.Length..])) is [var prefix, var token] && token.Length > 0)
            {
                return (prefix, token);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
        }

        throw new StorageException(StorageErrorCode.InvalidArgument, $"Change cursor '{cursor}' was not issued by the 'gdrive' engine. Get one from GetChangeCursorAsync or from the last page read.");
    }
}
