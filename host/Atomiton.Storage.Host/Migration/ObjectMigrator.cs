using System.Security.Cryptography;

namespace Atomiton.Storage.Host.Migration;

/// <summary>
/// Copies one object from the source to the target with its content type and metadata, then
/// reads the target back and compares SHA-256, size, content type and metadata. An object the
/// target already holds with the same content is verified and left alone, so a resumed
/// migration never copies an object twice. Thread-safe.
/// </summary>
internal sealed class ObjectMigrator
{
    private readonly IStorageEngine _source;
    private readonly IStorageEngine _target;

    public ObjectMigrator(IStorageEngine source, IStorageEngine target)
    {
        _source = source;
        _target = target;
    }

    public async Task<ObjectOutcome> MigrateAsync(string key, bool dryRun, CancellationToken cancellationToken)
    {
        try
        {
            var sourceItem = await TryStatAsync(_source, key, cancellationToken);
            if (sourceItem is null)
            {
                return new ObjectOutcome(key, ObjectOutcomeKind.Vanished, 0);
            }

            var existing = await TryStatAsync(_target, key, cancellationToken);
            if (existing is not null && existing.Size == sourceItem.Size)
            {
                if (dryRun)
                {
                    return new ObjectOutcome(key, ObjectOutcomeKind.WouldVerify, sourceItem.Size);
                }

                var (sourceHash, sourceRead) = await HashAsync(_source, key, cancellationToken);
                var (targetHash, targetRead) = await HashAsync(_target, key, cancellationToken);
                if (sourceHash.AsSpan().SequenceEqual(targetHash) && Difference(sourceRead, targetRead) is null)
                {
                    return new ObjectOutcome(key, ObjectOutcomeKind.Present, sourceRead.Size);
                }
            }

            return dryRun
                ? new ObjectOutcome(key, ObjectOutcomeKind.WouldCopy, sourceItem.Size)
                : await CopyAndVerifyAsync(key, cancellationToken);
        }
        catch (StorageException e)
        {
            return new ObjectOutcome(key, ObjectOutcomeKind.Failed, 0, e.Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>Whether the target holds the same content and metadata as the source; the reason when not.</summary>
    public async Task<string?> CheckSameAsync(string key, CancellationToken cancellationToken)
    {
        var (sourceHash, sourceItem) = await HashAsync(_source, key, cancellationToken);
        if (await TryStatAsync(_target, key, cancellationToken) is null)
        {
            return "the target has no object under this key";
        }

        var (targetHash, targetItem) = await HashAsync(_target, key, cancellationToken);
        return !sourceHash.AsSpan().SequenceEqual(targetHash) ? "the target's content differs (sha256)" : Difference(sourceItem, targetItem);
    }

    private async Task<ObjectOutcome> CopyAndVerifyAsync(string key, CancellationToken cancellationToken)
    {
        StorageItem sourceItem;
        byte[] sourceHash;
        await using (var read = await _source.OpenReadAsync(key, null, cancellationToken))
        {
            sourceItem = read.Item;
            using var hashing = new HashingReadStream(read.Content);
            var options = new SaveOptions
            {
                ContentType = sourceItem.ContentType,
                Metadata = sourceItem.Metadata.Count == 0 ? null : sourceItem.Metadata,
                ExpectedLength = sourceItem.Size,
            };
            await _target.SaveAsync(key, hashing, options, cancellationToken);
            sourceHash = hashing.GetHash();
        }

        var (targetHash, targetItem) = await HashAsync(_target, key, cancellationToken);
        if (!sourceHash.AsSpan().SequenceEqual(targetHash))
        {
            return new ObjectOutcome(key, ObjectOutcomeKind.Failed, 0, "verification failed: the target's content differs from the source (sha256) after writing; the target stage may be corrupting data");
        }

        string? difference = Difference(sourceItem, targetItem);
        return difference is null
            ? new ObjectOutcome(key, ObjectOutcomeKind.Copied, sourceItem.Size)
            : new ObjectOutcome(key, ObjectOutcomeKind.Failed, 0, $"verification failed: {difference}");
    }

    private static string? Difference(StorageItem source, StorageItem target)
    {
        if (source.Size != target.Size)
        {
            return $"the target has {target.Size} bytes, the source {source.Size}";
        }

        if (!string.Equals(source.ContentType, target.ContentType, StringComparison.Ordinal))
        {
            return $"the target's content type is '{target.ContentType}', the source's '{source.ContentType}' (does the target pipeline keep content types?)";
        }

        bool sameMetadata = source.Metadata.Count == target.Metadata.Count
            && source.Metadata.All(pair => target.Metadata.TryGetValue(pair.Key, out var value) && value == pair.Value);
        return sameMetadata ? null : "the target's metadata differs from the source's (does the target pipeline keep user metadata?)";
    }

    private static async Task<(byte[] Hash, StorageItem Item)> HashAsync(IStorageEngine engine, string key, CancellationToken cancellationToken)
    {
        await using var read = await engine.OpenReadAsync(key, null, cancellationToken);
        return (await SHA256.HashDataAsync(read.Content, cancellationToken), read.Item);
    }

    private static async Task<StorageItem?> TryStatAsync(IStorageEngine engine, string key, CancellationToken cancellationToken)
    {
        try
        {
            return await engine.StatAsync(key, cancellationToken);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
        {
            return null;
        }
    }
}
