using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Atomiton.Storage.Plugins.GoogleDrive.Api;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>
/// Listing: files.list of the folder ordered by name, filtered by prefix here (Drive's
/// <c>contains</c> matches word prefixes, not string prefixes), so a prefix costs a listing of the
/// whole folder. Files of one name come together; each name is listed once, as its winner. Each
/// entry's continuation token is the page token, the position in that page and the last name.
/// </summary>
public sealed partial class GoogleDriveEngine
{
    private const string ListFields = "nextPageToken,files(" + DriveItems.FileFields + ")";

    /// <inheritdoc />
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var resume = options.ContinuationToken is { } token ? ListPosition.Parse(token, options.Prefix) : new ListPosition(null, 0, null);
        string? pageToken = resume.PageToken;
        int skip = resume.Index;
        string? lastName = resume.LastName;
        var run = new List<DriveFile>();
        int pageSize = Math.Clamp(options.PageSize ?? _options.PageSize, 1, 1000);
        while (true)
        {
            string? requested = pageToken;
            var page = await CallAsync(() => new ListFilesRequest(_service)
            {
                Q = $"'{FolderId}' in parents and trashed = false",
                Spaces = _space,
                OrderBy = "name",
                PageSize = pageSize,
                PageToken = requested,
                Fields = ListFields,
            }.ExecuteAsync(cancellationToken), options.Prefix);
            var files = page.Files ?? [];
            for (int i = skip; i < files.Count; i++)
            {
                var file = files[i];
                string name = file.Name ?? "";
                if (name == lastName || !name.StartsWith(options.Prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (run.Count > 0 && run[0].Name != name)
                {
                    yield return Entry(run, new ListPosition(requested, i, run[0].Name), options.KeysOnly);
                    run.Clear();
                }

                run.Add(file);
            }

            skip = 0;
            if (page.NextPageToken is null)
            {
                if (run.Count > 0)
                {
                    yield return Entry(run, new ListPosition(requested, files.Count, run[0].Name), options.KeysOnly);
                }

                yield break;
            }

            pageToken = page.NextPageToken;
            if (run.Count > 0)
            {
                // The run may go on in the next page; the name is remembered, the index starts there.
                lastName = null;
            }
        }
    }

    private static StorageEntry Entry(List<DriveFile> run, ListPosition after, bool keysOnly)
    {
        var entry = keysOnly ? StorageEntry.ForKey(run[0].Name!) : StorageEntry.ForItem(DriveItems.ToItem(DriveItems.Winner(run)));
        return entry with { ContinuationToken = after.Format() };
    }

    /// <summary>Where a listing resumes: the page token of a page, the index in it, and a name to skip (the last one listed).</summary>
    private sealed record ListPosition(string? PageToken, int Index, string? LastName)
    {
        private const string Marker = "gd1:";

        public string Format() =>
            Marker + Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new[] { PageToken ?? "", Index.ToString(System.Globalization.CultureInfo.InvariantCulture), LastName ?? "" })));

        public static ListPosition Parse(string token, string prefix)
        {
            try
            {
                if (token.StartsWith(Marker, StringComparison.Ordinal)
                    && JsonSerializer.Deserialize<string[]>(Convert.FromBase64String(token[Marker.Length..])) is [var page, var index, var last]
                    && int.TryParse(index, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int position))
                {
                    return new ListPosition(page.Length == 0 ? null : page, position, last.Length == 0 ? null : last);
                }
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
            }

            throw new StorageException(StorageErrorCode.InvalidArgument, $"Continuation token '{token}' was not issued by the 'gdrive' engine. Pass the ContinuationToken of the last entry received.")
            { Key = prefix };
        }
    }
}
