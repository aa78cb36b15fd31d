namespace Atomiton.Storage.Host.Migration;

/// <summary>
/// Copies one object from the source to the target with its content type, metadata and (where the
/// target keeps it) last-modified time, then verifies the copy: size, content type, metadata and a
/// content hash. Hashes come from the engines wherever they report them
/// (<see cref="StorageCapabilities.ContentHashes"/>), so content is read only when a side reports no
/// hash of the algorithm compared: an object the target already holds is recognised without a
/// download when both sides share an algorithm, and a copy is verified by the hash the target reports
/// for it instead of being read back. Content read to be hashed is pinned to the version that was
/// stat'ed (<see cref="ReadOptions.IfMatch"/>). A resumed migration never copies an object twice. Thread-safe.
/// </summary>
internal sealed class ObjectMigrator
{
    private readonly IStorageEngine _source;
    private readonly IStorageEngine _target;
    private readonly Lazy<Task<string>> _algorithm;

    public ObjectMigrator(IStorageEngine source, IStorageEngine target)
    {
        _source = source;
        _target = target;
        _algorithm = new Lazy<Task<string>>(ChooseAlgorithmAsync);
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

                if (await SameContentAsync(sourceItem, existing, cancellationToken) && Difference(sourceItem, existing) is null)
                {
                    return new ObjectOutcome(key, ObjectOutcomeKind.Present, sourceItem.Size);
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
        var sourceItem = await _source.StatAsync(key, cancellationToken);
        if (await TryStatAsync(_target, key, cancellationToken) is not { } targetItem)
        {
            return "the target has no object under this key";
        }

        if (Difference(sourceItem, targetItem) is { } difference)
        {
            return difference;
        }

        return await SameContentAsync(sourceItem, targetItem, cancellationToken) ? null : $"the target's content differs ({await _algorithm.Value})";
    }

    /// <summary>
    /// The algorithm compared: one both engines report on every item (sha256 first), else one the target
    /// reports (a copy is then verified without reading it back), else one the source reports, else sha256.
    /// </summary>
    private async Task<string> ChooseAlgorithmAsync()
    {
        var sourceAlgorithms = await ReportedAlgorithmsAsync(_source);
        var targetAlgorithms = await ReportedAlgorithmsAsync(_target);
        return StorageHashAlgorithms.All.FirstOrDefault(a => sourceAlgorithms.Contains(a) && targetAlgorithms.Contains(a))
            ?? StorageHashAlgorithms.All.FirstOrDefault(targetAlgorithms.Contains)
            ?? StorageHashAlgorithms.All.FirstOrDefault(sourceAlgorithms.Contains)
            ?? StorageHashAlgorithms.Sha256;
    }

    private static async Task<HashSet<string>> ReportedAlgorithmsAsync(IStorageEngine engine)
    {
        if (!engine.Capabilities.HasFlag(StorageCapabilities.ContentHashes))
        {
            return [];
        }

        return new HashSet<string>((await engine.GetInfoAsync()).HashAlgorithms, StringComparer.Ordinal);
    }

    /// <summary>Whether two items' contents are equal, by reported hashes where both have one (no content read).</summary>
    private async Task<bool> SameContentAsync(StorageItem sourceItem, StorageItem targetItem, CancellationToken cancellationToken)
    {
        string algorithm = await _algorithm.Value;
        string? sourceHash = await HashOfAsync(_source, sourceItem, algorithm, cancellationToken);
        if (sourceHash is null)
        {
            return false;
        }

        string? targetHash = await HashOfAsync(_target, targetItem, algorithm, cancellationToken);
        return StorageContentHash.ValuesEqual(algorithm, sourceHash, targetHash);
    }

    /// <summary>The item's reported hash, or the hash of its content read at that exact version; null when it changed meanwhile.</summary>
    private static async Task<string?> HashOfAsync(IStorageEngine engine, StorageItem item, string algorithm, CancellationToken cancellationToken)
    {
        if (item.Hashes.TryGetValue(algorithm, out var reported))
        {
            return reported;
        }

        try
        {
            await using var read = await engine.OpenReadAsync(item.Key, new ReadOptions { IfMatch = item.ETag }, cancellationToken);
            await using var hashing = new ExactLengthStream(read.Content, item.Key, read.Item.Size, [algorithm], engine.EngineType);
            await hashing.CopyToAsync(Stream.Null, cancellationToken);
            return hashing.GetHashes()[algorithm];
        }
        catch (StorageException e) when (e.Code is StorageErrorCode.Conflict or StorageErrorCode.NotFound)
        {
            return null; // changed since it was stat'ed: not the same as anything compared
        }
    }

    private async Task<ObjectOutcome> CopyAndVerifyAsync(string key, CancellationToken cancellationToken)
    {
        string algorithm = await _algorithm.Value;
        StorageItem sourceItem;
        StorageItem saved;
        string copiedHash;
        await using (var read = await _source.OpenReadAsync(key, null, cancellationToken))
        {
            sourceItem = read.Item;
            await using var hashing = new ExactLengthStream(read.Content, key, sourceItem.Size, [algorithm], _source.EngineType);
            var options = new SaveOptions
            {
                ContentType = sourceItem.ContentType,
                Metadata = sourceItem.Metadata.Count == 0 ? null : sourceItem.Metadata,
                ExpectedLength = sourceItem.Size,
                LastModified = _target.Capabilities.HasFlag(StorageCapabilities.SetLastModified) ? sourceItem.LastModified : null,
            };
            saved = await _target.SaveAsync(key, hashing, options, cancellationToken);
            if (!hashing.IsComplete)
            {
                // The target stopped at ExpectedLength without asking for more: the end is read here (and checked).
                await hashing.CopyToAsync(Stream.Null, cancellationToken);
            }

            copiedHash = hashing.GetHashes()[algorithm];
        }

        if (sourceItem.Hashes.TryGetValue(algorithm, out var reported) && !StorageContentHash.ValuesEqual(algorithm, reported, copiedHash))
        {
            return new ObjectOutcome(key, ObjectOutcomeKind.Failed, 0, $"verification failed: the source's content has {algorithm} {copiedHash} but the source reports {reported}; the source stage may be corrupting data");
        }

        var targetItem = saved;
        string? targetHash = await HashOfAsync(_target, targetItem, algorithm, cancellationToken);
        if (targetHash is null)
        {
            return new ObjectOutcome(key, ObjectOutcomeKind.Failed, 0, "verification failed: the target's object changed while it was being verified; run the migration again");
        }

        if (!StorageContentHash.ValuesEqual(algorithm, copiedHash, targetHash))
        {
            return new ObjectOutcome(key, ObjectOutcomeKind.Failed, 0, $"verification failed: the target's content differs from the source ({algorithm}) after writing; the target stage may be corrupting data");
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
