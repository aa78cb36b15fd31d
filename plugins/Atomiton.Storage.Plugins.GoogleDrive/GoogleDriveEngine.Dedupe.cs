using System.Runtime.CompilerServices;
using Atomiton.Storage.Plugins.GoogleDrive.Api;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>
/// Dedupe of the whole folder (<see cref="IStorageDeduplicator"/>): one listing of the folder by name
/// finds the names held by several files; then, per name, every file but the winner is deleted
/// (trashed, or removed for good with <see cref="GoogleDriveOptions.PermanentDelete"/>). The listing
/// is complete before the first deletion, so deleting never shifts a page still to be read.
/// </summary>
public sealed partial class GoogleDriveEngine
{
    /// <inheritdoc />
    async IAsyncEnumerable<StorageDuplicateSet> IStorageDeduplicator.DedupeAsync(string prefix, bool dryRun, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ThrowIfDisposed();
        foreach (var files in await FindDuplicateRunsAsync(prefix, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string key = files[0].Name!;
            var winner = DriveItems.Winner(files);
            if (!dryRun)
            {
                foreach (var loser in files.Where(file => file.Id != winner.Id))
                {
                    await RemoveAsync(loser, key, cancellationToken);
                }
            }

            yield return new StorageDuplicateSet { Key = key, Kept = DriveItems.ToItem(winner), Removed = files.Count - 1 };
        }
    }

    /// <summary>The files of every name under <paramref name="prefix"/> that more than one file holds (the whole folder is listed, 1,000 per page).</summary>
    private async Task<List<List<DriveFile>>> FindDuplicateRunsAsync(string prefix, CancellationToken cancellationToken)
    {
        var runs = new List<List<DriveFile>>();
        var run = new List<DriveFile>();
        string? pageToken = null;
        do
        {
            string? requested = pageToken;
            var page = await CallAsync(() => new ListFilesRequest(_service)
            {
                Q = $"'{FolderId}' in parents and trashed = false",
                Spaces = _space,
                OrderBy = "name",
                PageSize = 1000,
                PageToken = requested,
                Fields = ListFields,
            }.ExecuteAsync(cancellationToken), prefix);
            foreach (var file in page.Files ?? [])
            {
                if (!(file.Name ?? "").StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (run.Count > 0 && run[0].Name != file.Name)
                {
                    Keep(run);
                    run = [];
                }

                run.Add(file);
            }

            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);

        Keep(run);
        return runs;

        void Keep(List<DriveFile> candidate)
        {
            if (candidate.Count > 1)
            {
                runs.Add(candidate);
            }
        }
    }
}
