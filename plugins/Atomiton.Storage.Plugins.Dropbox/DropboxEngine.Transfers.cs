using Atomiton.Storage.Plugins.Dropbox.Wire;

namespace Atomiton.Storage.Plugins.Dropbox;

/// <summary>
/// Copy and move on the server (<c>copy_v2</c>, <c>move_v2</c>) onto a free destination. Dropbox
/// refuses to copy onto an existing file and has no destination condition, so an overwrite or an
/// if-match destination streams the source into an upload with the matching write mode (atomic
/// for readers, conditional as asked); a move then deletes the source at the revision copied.
/// Batch delete is <c>delete_batch</c> with each file's revision, polled with <c>delete_batch/check</c>.
/// </summary>
public sealed partial class DropboxEngine
{
    /// <inheritdoc />
    protected override ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        TransferAsync(sourceKey, destinationKey, condition, move: false, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        TransferAsync(sourceKey, destinationKey, condition, move: true, cancellationToken);

    private async ValueTask<StorageItem> TransferAsync(string sourceKey, string destinationKey, WriteCondition condition, bool move, CancellationToken cancellationToken)
    {
        // The source must be a file (copy_v2 would copy a folder of that name).
        var source = await FindAsync(sourceKey, cancellationToken)
            ?? throw new StorageException(StorageErrorCode.NotFound, $"No Dropbox file for source key '{sourceKey}'; nothing was {(move ? "moved" : "copied")}.") { Key = sourceKey, Provider = EngineType };
        if (condition.Kind != WriteConditionKind.IfMatch)
        {
            try
            {
                var result = await _client.RpcAsync(move ? "files/move_v2" : "files/copy_v2", new WireRelocationArg(_paths.PathOf(sourceKey), _paths.PathOf(destinationKey)),
                    DropboxJsonContext.Default.WireRelocationArg, DropboxJsonContext.Default.WireMetadataResult, sourceKey, write: true, cancellationToken);
                return ItemOf(result.Metadata, destinationKey);
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.Conflict && condition.Kind == WriteConditionKind.None)
            {
                // The destination exists: overwrite it below.
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
            {
                throw new StorageException(StorageErrorCode.NotFound, $"No Dropbox file for source key '{sourceKey}'; nothing was {(move ? "moved" : "copied")} ({DropboxErrors.TagsOf(e)}).", e) { Key = sourceKey, Provider = EngineType };
            }
        }

        var item = await StreamCopyAsync(sourceKey, source, destinationKey, condition, cancellationToken);
        if (move)
        {
            try
            {
                await _client.RpcAsync("files/delete_v2", new WireDeleteArg(_paths.PathOf(sourceKey), source.Rev), DropboxJsonContext.Default.WireDeleteArg, DropboxJsonContext.Default.WireMetadataResult, sourceKey, write: true, cancellationToken);
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
            {
                throw new StorageException(StorageErrorCode.Conflict, $"Key '{sourceKey}' changed while it was moved to '{destinationKey}': the destination holds the copied version, the source keeps the new one.", e)
                { Key = sourceKey, Provider = EngineType };
            }
        }

        return item;
    }

    /// <summary>Downloads the source revision and uploads it to the destination under the condition, keeping its modification time.</summary>
    private async ValueTask<StorageItem> StreamCopyAsync(string sourceKey, WireMetadata source, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        var read = await OpenReadCoreAsync(sourceKey, ReadOptions.Default, cancellationToken);
        await using var content = read.Content;
        if (read.Item.ETag != source.Rev)
        {
            throw new StorageException(StorageErrorCode.Conflict, $"Key '{sourceKey}' changed while it was copied to '{destinationKey}'; nothing was written. Try again.") { Key = sourceKey, Provider = EngineType };
        }

        return await SaveCoreAsync(destinationKey, content, new SaveOptions { Condition = condition, LastModified = source.ClientModified, ExpectedLength = source.Size }, cancellationToken);
    }

    /// <inheritdoc />
    protected override async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var results = new StorageDeleteResult?[keys.Count];
        var batch = new List<(int Index, WireDeleteArg Arg)>();
        for (int i = 0; i < keys.Count; i++)
        {
            // Only files are deleted (a folder of that name is not an object), each at the revision read.
            if (await FindAsync(keys[i], cancellationToken) is { } file)
            {
                batch.Add((i, new WireDeleteArg(_paths.PathOf(keys[i]), file.Rev)));
            }
            else
            {
                results[i] = new StorageDeleteResult(keys[i], false);
            }
        }

        for (int start = 0; start < batch.Count; start += 1000)
        {
            var chunk = batch.Skip(start).Take(1000).ToList();
            var entries = await RunBatchAsync([.. chunk.Select(c => c.Arg)], cancellationToken);
            for (int j = 0; j < chunk.Count; j++)
            {
                string key = keys[chunk[j].Index];
                var entry = j < entries.Count ? entries[j] : null;
                results[chunk[j].Index] = entry?.Tag == "success" ? new StorageDeleteResult(key, true)
                    : entry?.Failure is { } failure && DropboxErrors.TagChain(failure, out _).EndsWith("not_found", StringComparison.Ordinal) ? new StorageDeleteResult(key, false)
                    : new StorageDeleteResult(key, false, new StorageException(StorageErrorCode.Unknown, $"Dropbox did not delete key '{key}' in a batch ({(entry?.Failure is { } f ? DropboxErrors.TagChain(f, out _) : "no result")}).") { Key = key, Provider = EngineType });
            }
        }

        return [.. results.Select(r => r!)];
    }

    private async ValueTask<IReadOnlyList<WireBatchEntry>> RunBatchAsync(IReadOnlyList<WireDeleteArg> entries, CancellationToken cancellationToken)
    {
        var job = await _client.RpcAsync("files/delete_batch", new WireDeleteBatchArg(entries), DropboxJsonContext.Default.WireDeleteBatchArg, DropboxJsonContext.Default.WireBatchJob, null, write: true, cancellationToken);
        var wait = TimeSpan.FromMilliseconds(100);
        while (job.Tag is "async_job_id" or "in_progress")
        {
            string id = job.AsyncJobId ?? throw new StorageException(StorageErrorCode.SerializationError, "Dropbox's delete_batch answer names no job.") { Provider = EngineType };
            if (job.Tag == "in_progress")
            {
                // Dropbox runs the batch as a job; ask again shortly (the protocol's own poll, on the engine's clock).
                await Task.Delay(wait, _client.TimeProvider, cancellationToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }

            var next = await _client.RpcAsync("files/delete_batch/check", new WireAsyncJobArg(id), DropboxJsonContext.Default.WireAsyncJobArg, DropboxJsonContext.Default.WireBatchJob, null, write: false, cancellationToken);
            job = next with { AsyncJobId = id };
        }

        return job.Tag == "complete" ? job.Entries ?? [] : throw new StorageException(StorageErrorCode.Unknown, $"Dropbox's batch delete ended '{job.Tag}'; some keys may remain. Delete them again.") { Provider = EngineType };
    }
}
