using Atomiton.Storage.Plugins.GoogleDrive.Api;

namespace Atomiton.Storage.Plugins.GoogleDrive;

/// <summary>Copies and moves on the server (files.copy), and dedupe.</summary>
public sealed partial class GoogleDriveEngine
{
    /// <summary>
    /// files.copy of the source's winner under the destination's name (content, type, metadata and
    /// times travel on the server; an existing destination's creation time is kept), then the
    /// destination's earlier files are deleted, so the copy is the only one.
    /// </summary>
    protected override async ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        DriveItems.ToItem(await CopyFileAsync(sourceKey, destinationKey, cancellationToken));

    /// <summary>
    /// A server-side copy, then the source's files are removed. Not a rename: Drive's change feed
    /// names a renamed file only by its new name, while a copy and a trashed source tell both keys.
    /// </summary>
    protected override async ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        var sources = await FindAllAsync(sourceKey, cancellationToken);
        var copied = await CopyFileAsync(sourceKey, destinationKey, cancellationToken, sources);
        foreach (var file in sources)
        {
            await RemoveAsync(file, sourceKey, cancellationToken);
        }

        return DriveItems.ToItem(copied);
    }

    /// <summary>
    /// Keeps only the winner of a key (the most recently modified file; ties: the smallest id) and
    /// deletes the other files of that name, which Drive allows and concurrent creators may leave.
    /// </summary>
    /// <param name="key">The key to clean up.</param>
    /// <param name="cancellationToken">Cancels between deletions.</param>
    /// <returns>How many files were deleted (0 when the key names one file or none).</returns>
    /// <exception cref="StorageException">As for <see cref="StorageEngine.DeleteAsync"/>.</exception>
    public async ValueTask<int> DedupeAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        StorageKey.Validate(key, EngineType, "dedupe");
        var files = await FindAllAsync(key, cancellationToken);
        if (files.Count < 2)
        {
            return 0;
        }

        var winner = DriveItems.Winner(files);
        int deleted = 0;
        foreach (var loser in files.Where(f => f.Id != winner.Id))
        {
            await RemoveAsync(loser, key, cancellationToken);
            deleted++;
        }

        return deleted;
    }

    private async Task<DriveFile> CopyFileAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken, IList<DriveFile>? sources = null)
    {
        sources ??= await FindAllAsync(sourceKey, cancellationToken);
        if (sources.Count == 0)
        {
            throw StorageException.NotFound(sourceKey);
        }

        var source = DriveItems.Winner(sources);
        var previous = await FindAllAsync(destinationKey, cancellationToken);
        var kept = previous.Count > 0 ? DriveItems.Winner(previous) : null;
        string id = await CallAsync(() => _ids.NextAsync(cancellationToken), destinationKey);
        var body = new DriveFile
        {
            Id = id,
            Name = destinationKey,
            Parents = [FolderId],
            CreatedTime = kept?.CreatedTime,
            ModifiedTime = source.ModifiedTime,
        };
        DriveFile copy;
        try
        {
            copy = await CallAsync(() => new CopyFileRequest(_service, source.Id!, body) { Fields = DriveItems.FileFields }.ExecuteAsync(cancellationToken), sourceKey);
        }
        catch (StorageException e) when (IsConflict(e))
        {
            copy = await CallAsync(() => new GetFileRequest(_service, id) { Fields = DriveItems.FileFields }.ExecuteAsync(cancellationToken), destinationKey);
        }

        foreach (var old in previous)
        {
            await RemoveAsync(old, destinationKey, cancellationToken);
        }

        return copy;
    }
}
