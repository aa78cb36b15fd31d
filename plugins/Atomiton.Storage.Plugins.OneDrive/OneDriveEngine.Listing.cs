using System.Runtime.CompilerServices;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Atomiton.Storage.Plugins.OneDrive;

public sealed partial class OneDriveEngine
{
    /// <summary>
    /// Lists by walking folders depth first. Graph returns a folder's children in its own order, so each
    /// folder's children are read whole (all their pages, through the SDK's page iterator) and sorted by key
    /// ordinally — folders as "name/" — which yields the whole listing in ordinal key order; memory holds one
    /// folder's children per level. StartAfter skips folders whose keys all come before it without reading them.
    /// </summary>
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string prefix = options.Prefix;
        int slash = prefix.LastIndexOf(StorageKey.Separator);
        string folderKey = slash < 0 ? "" : prefix[..slash];
        var folder = folderKey.Length == 0 ? (Id: _baseId, Key: "") : await FolderAsync(folderKey, cancellationToken);
        if (folder is not { } found || !(found.Key + StorageKey.Separator).StartsWith(folderKey + StorageKey.Separator, StringComparison.Ordinal))
        {
            // No such folder, or it is spelt otherwise: prefixes match the kept spelling exactly.
            yield break;
        }

        string folderPrefix = found.Key.Length == 0 ? "" : found.Key + StorageKey.Separator;
        var pending = new Stack<IEnumerator<Child>>();
        pending.Push((await ChildrenAsync(found.Id, folderPrefix, cancellationToken)).GetEnumerator());
        while (pending.Count > 0)
        {
            var children = pending.Peek();
            if (!children.MoveNext())
            {
                children.Dispose();
                pending.Pop();
                continue;
            }

            var child = children.Current;
            if (child.Folder)
            {
                string childPrefix = child.Key + StorageKey.Separator;
                if (!childPrefix.StartsWith(prefix, StringComparison.Ordinal) && !prefix.StartsWith(childPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (options.StartAfter is { } after && string.CompareOrdinal(childPrefix, after) < 0 && !after.StartsWith(childPrefix, StringComparison.Ordinal))
                {
                    continue; // every key below it sorts before StartAfter
                }

                if (!options.Recursive && childPrefix.StartsWith(prefix, StringComparison.Ordinal) && childPrefix.Length > prefix.Length)
                {
                    if (child.ChildCount > 0 && (options.StartAfter is null || string.CompareOrdinal(childPrefix, options.StartAfter) > 0))
                    {
                        yield return StorageEntry.ForPrefix(childPrefix);
                    }

                    continue;
                }

                pending.Push((await ChildrenAsync(child.Id, childPrefix, cancellationToken)).GetEnumerator());
                continue;
            }

            if (!child.Key.StartsWith(prefix, StringComparison.Ordinal)
                || (options.StartAfter is { } start && string.CompareOrdinal(child.Key, start) <= 0))
            {
                continue;
            }

            yield return options.KeysOnly ? StorageEntry.ForKey(child.Key) : StorageEntry.ForItem(ItemOf(child.Item!, child.Key));
        }
    }

    private async ValueTask<string?> FolderIdAsync(string folderKey, CancellationToken cancellationToken) =>
        await FolderAsync(folderKey, cancellationToken) is { } folder ? folder.Id : null;

    /// <summary>The folder at <paramref name="folderKey"/> (its id and its key as OneDrive spells it), or null when there is no folder there.</summary>
    private async ValueTask<(string Id, string Key)?> FolderAsync(string folderKey, CancellationToken cancellationToken)
    {
        try
        {
            var item = await ItemAt(folderKey).GetAsync(config => config.QueryParameters.Select = ["id", "name", "folder", "parentReference"], cancellationToken);
            return item?.Folder is null ? null : (item.Id!, KeyOf(item) ?? folderKey);
        }
        catch (ODataError e) when (e.ResponseStatusCode == 404)
        {
            return null;
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.UnrepresentableKey)
        {
            return null; // no key below a prefix OneDrive cannot store exists there
        }
        catch (Exception e) when (e is not OperationCanceledException and not StorageException)
        {
            throw OneDriveErrors.From(e, folderKey, StorageOperation.List);
        }
    }

    /// <summary>One folder's children, every page, as keys sorted ordinally (folders as "key/"); names that do not decode are left out.</summary>
    private async Task<List<Child>> ChildrenAsync(string folderId, string keyPrefix, CancellationToken cancellationToken)
    {
        var children = new List<Child>();
        try
        {
            var page = await ItemById(folderId).Children.GetAsync(config => config.QueryParameters.Top = 1000, cancellationToken);
            if (page is null)
            {
                return children;
            }

            var iterator = PageIterator<DriveItem, DriveItemCollectionResponse>.CreatePageIterator(_graph, page, item =>
            {
                if (item.Name is { } name && _names.SegmentOf(name) is { } segment)
                {
                    children.Add(new Child(keyPrefix + segment, item.Id!, item.Folder is not null, item.Folder?.ChildCount ?? 0, item.Folder is null ? item : null));
                }

                return true;
            });
            await iterator.IterateAsync(cancellationToken);
        }
        catch (ODataError e) when (e.ResponseStatusCode == 404)
        {
            return children; // deleted meanwhile
        }
        catch (Exception e) when (e is not OperationCanceledException and not StorageException)
        {
            throw OneDriveErrors.From(e, keyPrefix, StorageOperation.List);
        }

        children.Sort((a, b) => string.CompareOrdinal(a.Folder ? a.Key + StorageKey.Separator : a.Key, b.Folder ? b.Key + StorageKey.Separator : b.Key));
        return children;
    }

    private sealed record Child(string Key, string Id, bool Folder, int ChildCount, DriveItem? Item);
}
