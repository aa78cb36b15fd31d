namespace Atomiton.Storage.Sync.Execution;

/// <summary>
/// The executor's engine calls, each carrying its precondition: reads pinned to the planned ETag,
/// writes create-only or if-match, deletes if-match. Where an engine lacks the capability the
/// condition is checked by a stat immediately before (the residual window is documented).
/// </summary>
internal static class Transfers
{
    /// <summary>Copies <paramref name="sourceKey"/> (pinned to <paramref name="sourceETag"/>) to <paramref name="targetKey"/> under <paramref name="condition"/>.</summary>
    public static async Task<(StorageItem Read, StorageItem Saved, string Sha256)> CopyAsync(
        IStorageEngine source, string sourceKey, string sourceETag, IStorageEngine target, string targetKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        await using var read = await source.OpenReadAsync(sourceKey, new ReadOptions { IfMatch = sourceETag }, cancellationToken);
        var item = read.Item;
        await using var hashing = new HashingStream(read.Content);
        var saved = await SaveAsync(target, targetKey, hashing, condition, item.ContentType, item.Metadata, item.Size, cancellationToken);
        return (item, saved, hashing.Sha256);
    }

    /// <summary>Reads <paramref name="key"/> pinned to <paramref name="etag"/> into memory (for comparison and resolvers).</summary>
    public static async Task<byte[]> ReadAsync(IStorageEngine engine, string key, string etag, CancellationToken cancellationToken)
    {
        await using var read = await engine.OpenReadAsync(key, new ReadOptions { IfMatch = etag }, cancellationToken);
        using var buffer = new MemoryStream();
        await read.Content.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>Saves <paramref name="content"/> at <paramref name="key"/> under <paramref name="condition"/>.</summary>
    public static async Task<StorageItem> SaveAsync(IStorageEngine target, string key, Stream content, WriteCondition condition,
        string? contentType, IReadOnlyDictionary<string, string> metadata, long length, CancellationToken cancellationToken)
    {
        var native = await GuardAsync(target, key, condition, cancellationToken);
        return await target.SaveAsync(key, content, new SaveOptions
        {
            Condition = native,
            ContentType = target.Capabilities.HasFlag(StorageCapabilities.ContentType) ? contentType : null,
            Metadata = target.Capabilities.HasFlag(StorageCapabilities.UserMetadata) && metadata.Count > 0 ? metadata : null,
            ExpectedLength = length,
        }, cancellationToken);
    }

    /// <summary>Deletes <paramref name="key"/> only while it still has <paramref name="etag"/>.</summary>
    public static async Task DeleteAsync(IStorageEngine engine, string key, string etag, CancellationToken cancellationToken)
    {
        if (engine.Capabilities.HasFlag(StorageCapabilities.ConditionalWrite))
        {
            await engine.DeleteAsync(key, new DeleteOptions { IfMatch = etag }, cancellationToken);
            return;
        }

        await GuardAsync(engine, key, WriteCondition.IfMatch(etag), cancellationToken);
        await engine.DeleteAsync(key, DeleteOptions.Default, cancellationToken);
    }

    /// <summary>The condition to send natively; checks it by a stat first when the engine cannot.</summary>
    private static async Task<WriteCondition> GuardAsync(IStorageEngine engine, string key, WriteCondition condition, CancellationToken cancellationToken)
    {
        bool native = condition.Kind switch
        {
            WriteConditionKind.IfNotExists => engine.Capabilities.HasFlag(StorageCapabilities.CreateOnly),
            WriteConditionKind.IfMatch => engine.Capabilities.HasFlag(StorageCapabilities.ConditionalWrite),
            _ => true,
        };
        if (native)
        {
            return condition;
        }

        string? current = (await SyncObserver.StatAsync(engine, key, cancellationToken))?.ETag;
        if (!condition.IsSatisfiedBy(current))
        {
            throw condition.ToConflict(key, engine.EngineType, StorageOperation.Save);
        }

        return WriteCondition.None;
    }
}
