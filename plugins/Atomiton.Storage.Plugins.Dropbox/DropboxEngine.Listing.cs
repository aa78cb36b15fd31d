using System.Globalization;
using System.Runtime.CompilerServices;
using Atomiton.Storage.Plugins.Dropbox.Wire;

namespace Atomiton.Storage.Plugins.Dropbox;

/// <summary>
/// Listing: <c>list_folder</c> (recursive) on the folder holding the prefix, then <c>continue</c>
/// while <c>has_more</c>; folders are skipped and names outside the prefix filtered out. Each
/// entry's continuation token is the cursor of the page it came on (empty for the first) and its
/// index there, so a listing resumes after any entry.
/// </summary>
public sealed partial class DropboxEngine
{
    /// <inheritdoc />
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (pageCursor, skip) = ParseToken(options.ContinuationToken);
        string folder = _paths.FolderOf(options.Prefix);
        int? limit = options.PageSize is { } size ? Math.Clamp(size, 1, 2000) : null;
        WireListFolderResult page;
        try
        {
            page = pageCursor is null
                ? await _client.RpcAsync("files/list_folder", new WireListFolderArg { Path = folder, Recursive = true, Limit = limit }, DropboxJsonContext.Default.WireListFolderArg, DropboxJsonContext.Default.WireListFolderResult, options.Prefix, write: false, cancellationToken)
                : await ContinueAsync(pageCursor, options.Prefix, cancellationToken);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
        {
            yield break; // no such folder: nothing under the prefix
        }

        while (true)
        {
            for (int i = skip; i < page.Entries.Count; i++)
            {
                var entry = page.Entries[i];
                if (entry.Tag != "file" || entry.PathLower is null || _paths.KeyOf(entry.PathLower, entry.PathDisplay) is not { } key || !key.StartsWith(options.Prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                string token = string.Create(CultureInfo.InvariantCulture, $"{i}:{pageCursor}");
                yield return (options.KeysOnly ? StorageEntry.ForKey(key) : StorageEntry.ForItem(ItemOf(entry, key))) with { ContinuationToken = token };
            }

            if (!page.HasMore)
            {
                yield break;
            }

            pageCursor = page.Cursor;
            skip = 0;
            page = await ContinueAsync(pageCursor, options.Prefix, cancellationToken);
        }
    }

    private ValueTask<WireListFolderResult> ContinueAsync(string cursor, string? key, CancellationToken cancellationToken) =>
        _client.RpcAsync("files/list_folder/continue", new WireCursorArg(cursor), DropboxJsonContext.Default.WireCursorArg, DropboxJsonContext.Default.WireListFolderResult, key, write: false, cancellationToken);

    /// <summary>A continuation token <c>index:cursor</c>: resume after entry <c>index</c> of the page read with <c>cursor</c> (empty: the first page).</summary>
    private (string? Cursor, int Skip) ParseToken(string? token)
    {
        if (token is null)
        {
            return (null, 0);
        }

        int colon = token.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !int.TryParse(token.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, $"Continuation token '{token}' was not issued by the '{EngineType}' engine. Pass the ContinuationToken of the last entry received.")
            { Provider = EngineType };
        }

        string cursor = token[(colon + 1)..];
        return (cursor.Length == 0 ? null : cursor, index + 1);
    }
}
