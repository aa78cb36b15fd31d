using System.Net;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Atomiton.Storage.Plugins.OneDrive;

public sealed partial class OneDriveEngine
{
    /// <summary>Deletes the file at the key (never a folder of that name) with If-Match on the eTag read just before, then removes folders the delete left empty.</summary>
    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            var file = await FindFileAsync(key, StorageOperation.Delete, cancellationToken);
            if (file is null)
            {
                if (options.IfMatch is { } expected)
                {
                    throw StorageException.ETagMismatch(key, expected, OneDriveProvider.TypeName, StorageOperation.Delete);
                }

                return false;
            }

            if (options.IfMatch is { } etag && etag != file.ETag)
            {
                throw StorageException.ETagMismatch(key, etag, OneDriveProvider.TypeName, StorageOperation.Delete);
            }

            try
            {
                await ItemById(file.Id!).DeleteAsync(config => config.Headers.Add("If-Match", file.ETag!), cancellationToken);
                await RemoveEmptyFoldersAsync([key], cancellationToken);
                return true;
            }
            catch (ODataError e) when (e.ResponseStatusCode == 404)
            {
                // Deleted meanwhile: look again (it may have been saved anew).
            }
            catch (ODataError e) when (e.ResponseStatusCode == 412 && options.IfMatch is null && attempt < 5)
            {
                // Overwritten between the read and the delete: delete the new version.
            }
            catch (ODataError e) when (e.ResponseStatusCode == 412)
            {
                throw StorageException.ETagMismatch(key, options.IfMatch ?? file.ETag!, OneDriveProvider.TypeName, StorageOperation.Delete);
            }
            catch (Exception e) when (e is not OperationCanceledException and not StorageException)
            {
                throw OneDriveErrors.From(e, key, StorageOperation.Delete);
            }
        }
    }

    /// <summary>
    /// Deletes up to 20 keys per <c>$batch</c> request: one batch reads the items (so a folder of a key's name is
    /// never deleted), a second deletes the files with If-Match. A key that changed between the two is deleted
    /// one by one.
    /// </summary>
    protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var results = new List<StorageDeleteResult>(keys.Count);
        foreach (var chunk in keys.Chunk(BatchLimit))
        {
            try
            {
                results.AddRange(await DeleteBatchAsync(chunk, cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var error = OneDriveErrors.From(e, null, StorageOperation.DeleteMany);
                results.AddRange(chunk.Select(k => new StorageDeleteResult(k, false, error)));
            }
        }

        await RemoveEmptyFoldersAsync([.. results.Where(r => r.Deleted).Select(r => r.Key)], cancellationToken);
        return results;
    }

    private async Task<IEnumerable<StorageDeleteResult>> DeleteBatchAsync(string[] keys, CancellationToken cancellationToken)
    {
        var reads = new BatchRequestContentCollection(_graph);
        var readIds = new string[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            readIds[i] = await reads.AddBatchRequestStepAsync(ItemAt(keys[i]).ToGetRequestInformation());
        }

        var readAnswers = await _graph.Batch.PostAsync(reads, cancellationToken);
        var deletes = new BatchRequestContentCollection(_graph);
        var deleteIds = new Dictionary<int, string>();
        var outcome = new StorageDeleteResult?[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            using var answer = await readAnswers.GetResponseByIdAsync(readIds[i]);
            if (answer.StatusCode == HttpStatusCode.NotFound)
            {
                outcome[i] = new StorageDeleteResult(keys[i], false);
                continue;
            }

            if (!answer.IsSuccessStatusCode)
            {
                outcome[i] = new StorageDeleteResult(keys[i], false, OneDriveErrors.FromStatus((int)answer.StatusCode, null, "the batched read failed", keys[i], StorageOperation.DeleteMany));
                continue;
            }

            var item = await readAnswers.GetResponseByIdAsync<DriveItem>(readIds[i]);
            if (item.Folder is not null)
            {
                outcome[i] = new StorageDeleteResult(keys[i], false);
                continue;
            }

            var delete = ItemById(item.Id!).ToDeleteRequestInformation(config => config.Headers.Add("If-Match", item.ETag!));
            deleteIds[i] = await deletes.AddBatchRequestStepAsync(delete);
        }

        if (deleteIds.Count > 0)
        {
            var deleteAnswers = await _graph.Batch.PostAsync(deletes, cancellationToken);
            var statuses = await deleteAnswers.GetResponsesStatusCodesAsync();
            foreach (var (index, id) in deleteIds)
            {
                var status = statuses[id];
                outcome[index] = status switch
                {
                    HttpStatusCode.NoContent or HttpStatusCode.OK => new StorageDeleteResult(keys[index], true),
                    HttpStatusCode.NotFound => new StorageDeleteResult(keys[index], false),
                    // Overwritten between the batches (412) or throttled: delete that key on its own.
                    _ => await DeleteOneAsync(keys[index], cancellationToken),
                };
            }
        }

        return outcome.Select(r => r!);
    }

    private async Task<StorageDeleteResult> DeleteOneAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return new StorageDeleteResult(key, await DeleteCoreAsync(key, new DeleteOptions(), cancellationToken));
        }
        catch (StorageException e)
        {
            return new StorageDeleteResult(key, false, e);
        }
    }

    /// <summary>
    /// Removes the folders above deleted keys that are now empty, deepest first, each with If-Match on the
    /// eTag just read (a folder's eTag changes when something lands in it, so a racing save is never lost).
    /// A key's folder must not outlive its last object: OneDrive would then refuse an object of the folder's name.
    /// </summary>
    private async Task RemoveEmptyFoldersAsync(IReadOnlyList<string> deletedKeys, CancellationToken cancellationToken)
    {
        var folders = new SortedSet<string>(Comparer<string>.Create((a, b) => b.Length != a.Length ? b.Length.CompareTo(a.Length) : string.CompareOrdinal(a, b)));
        foreach (var key in deletedKeys)
        {
            int slash = key.LastIndexOf(StorageKey.Separator);
            if (slash > 0)
            {
                folders.Add(key[..slash]);
            }
        }

        while (folders.Count > 0)
        {
            string folder = folders.Min!;
            folders.Remove(folder);
            try
            {
                var item = await ItemAt(folder).GetAsync(cancellationToken: cancellationToken);
                if (item?.Folder is not { ChildCount: 0 })
                {
                    continue;
                }

                await ItemById(item.Id!).DeleteAsync(config => config.Headers.Add("If-Match", item.ETag!), cancellationToken);
                int slash = folder.LastIndexOf(StorageKey.Separator);
                if (slash > 0)
                {
                    folders.Add(folder[..slash]);
                }
            }
            catch (ODataError e) when (e.ResponseStatusCode is 404 or 412 or 409)
            {
                // Gone already, or something landed in it: it stays.
            }
        }
    }
}
