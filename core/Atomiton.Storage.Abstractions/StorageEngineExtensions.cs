namespace Atomiton.Storage;

/// <summary>Byte-array forms and bulk helpers over any <see cref="IStorageEngine"/>.</summary>
public static class StorageEngineExtensions
{
    /// <summary>Saves <paramref name="content"/> under <paramref name="key"/>; see <see cref="IStorageEngine.SaveAsync"/>.</summary>
    public static ValueTask<StorageItem> SaveAsync(this IStorageEngine engine, string key, ReadOnlyMemory<byte> content, SaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return SaveBytesAsync(engine, key, content, options, cancellationToken);
    }

    /// <summary>Loads a whole object into memory, as a new array the caller owns. Use <see cref="IStorageEngine.OpenReadAsync"/> for large objects.</summary>
    /// <exception cref="StorageException">NotFound, or any error of <see cref="IStorageEngine.OpenReadAsync"/>.</exception>
    public static ValueTask<byte[]> LoadBytesAsync(this IStorageEngine engine, string key, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);

        // Engines built on StorageEngine may answer without opening a stream (a cache hit).
        return engine is StorageEngine storage ? storage.LoadBytesAsync(key, options, cancellationToken) : OpenAndReadAsync(engine, key, options, cancellationToken);
    }

    /// <summary>Reads the rest of an opened object into an array.</summary>
    public static async ValueTask<byte[]> ReadAllAsync(this StorageReadResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var content = result.Content;
        if (content is MemoryStream { Position: 0 } memory)
        {
            return memory.ToArray();
        }

        using var buffer = new MemoryStream(content.CanSeek ? (int)Math.Min(int.MaxValue, Math.Max(0, content.Length - content.Position)) : (int)Math.Min(result.Item.Size, 1 << 20));
        await content.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>How many keys <see cref="DeletePrefixAsync"/> deletes per request when the engine declares no batch size.</summary>
    public const int DefaultDeleteBatch = 256;

    /// <summary>
    /// Deletes every object whose key starts with <paramref name="prefix"/> (a subtree when it ends with '/'), a
    /// batch at a time: it lists up to one batch of keys (<see cref="StorageLimits.MaxDeleteBatch"/> on engines
    /// declaring <see cref="StorageCapabilities.BatchDelete"/>, else <see cref="DefaultDeleteBatch"/>), deletes them
    /// with <see cref="IStorageEngine.DeleteManyAsync"/>, and lists again, so it never holds more than one batch and
    /// never deletes while a listing is open. Works in any listing order: an ordered engine is re-listed after the
    /// last key of the batch, any other from the start (what was deleted is gone).
    /// </summary>
    /// <returns>How many objects were deleted.</returns>
    /// <exception cref="StorageException">The first key that could not be deleted (keys before it are deleted), or a listing error.</exception>
    public static async ValueTask<long> DeletePrefixAsync(this IStorageEngine engine, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(prefix);
        int batchSize = engine.Capabilities.HasFlag(StorageCapabilities.BatchDelete)
            && (await engine.GetInfoAsync(cancellationToken)).Limits.MaxDeleteBatch is > 0 and var declared
            ? declared
            : DefaultDeleteBatch;
        bool ordered = engine.Capabilities.HasFlag(StorageCapabilities.OrderedList);
        long deleted = 0;
        string? startAfter = null;
        while (true)
        {
            var batch = new List<string>(Math.Min(batchSize, DefaultDeleteBatch));
            await foreach (var entry in engine.ListAsync(new ListOptions { Prefix = prefix, StartAfter = startAfter, KeysOnly = true, PageSize = batchSize }, cancellationToken))
            {
                batch.Add(entry.Key);
                if (batch.Count == batchSize)
                {
                    break;
                }
            }

            if (batch.Count == 0)
            {
                return deleted;
            }

            long before = deleted;
            foreach (var result in await engine.DeleteManyAsync(batch, cancellationToken))
            {
                if (result.Error is not null)
                {
                    throw result.Error;
                }

                deleted += result.Deleted ? 1 : 0;
            }

            // A short batch was the last; an unordered re-listing that deletes nothing (another client deleted
            // the same keys, or the listing lags behind) would find them again, so it stops there too.
            if (batch.Count < batchSize || (!ordered && deleted == before))
            {
                return deleted;
            }

            startAfter = ordered ? batch[^1] : null;
        }
    }

    /// <summary>Whether the engine declares every capability in <paramref name="capabilities"/>.</summary>
    public static bool Supports(this IStorageEngine engine, StorageCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return (engine.Capabilities & capabilities) == capabilities;
    }

    /// <summary>Reads an opened object (whole, or the range <paramref name="options"/> asked for) into a new array.</summary>
    internal static async ValueTask<byte[]> ReadWholeAsync(StorageReadResult result, ReadOptions? options, CancellationToken cancellationToken)
    {
        if (options?.Range is null && !result.NotModified && result.Content is not MemoryStream && result.Item.Size <= Array.MaxLength)
        {
            return await ReadExactlyAsync(result, cancellationToken);
        }

        return await ReadAllAsync(result, cancellationToken);
    }

    private static async ValueTask<byte[]> OpenAndReadAsync(IStorageEngine engine, string key, ReadOptions? options, CancellationToken cancellationToken)
    {
        await using var result = await engine.OpenReadAsync(key, options, cancellationToken);
        return await ReadWholeAsync(result, options, cancellationToken);
    }

    /// <summary>Reads a whole object of known size straight into an array of that size (no intermediate buffer).</summary>
    private static async ValueTask<byte[]> ReadExactlyAsync(StorageReadResult result, CancellationToken cancellationToken)
    {
        // Every byte is written before the array is returned (or it is dropped with an error): no need to zero it first.
        var content = GC.AllocateUninitializedArray<byte>((int)result.Item.Size);
        int filled = 0;
        while (filled < content.Length)
        {
            int read = await result.Content.ReadAsync(content.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                throw SizeMismatch(result.Item, $"ended after {filled} bytes");
            }

            filled += read;
        }

        var probe = new byte[1];
        if (await result.Content.ReadAsync(probe, cancellationToken) != 0)
        {
            throw SizeMismatch(result.Item, "is longer");
        }

        return content;
    }

    private static StorageException SizeMismatch(StorageItem item, string what) =>
        new(StorageErrorCode.Integrity, $"The content of key '{item.Key}' {what} (its stored size is {item.Size} bytes); the object is corrupt or was changed while being read. Load it again; if this persists, restore it.")
        { Key = item.Key, Operation = StorageOperation.Load };

    private static async ValueTask<StorageItem> SaveBytesAsync(IStorageEngine engine, string key, ReadOnlyMemory<byte> content, SaveOptions? options, CancellationToken cancellationToken)
    {
        using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        return await engine.SaveAsync(key, stream, options, cancellationToken);
    }
}
