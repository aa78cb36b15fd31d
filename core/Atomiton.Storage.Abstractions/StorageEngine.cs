using System.Runtime.CompilerServices;

namespace Atomiton.Storage;

/// <summary>
/// A base for engines: it checks keys, prefixes, arguments, declared capabilities, cancellation
/// and disposal once, adds the provider, operation and key to every <see cref="StorageException"/>,
/// and implements <see cref="ExistsAsync"/>, <see cref="CopyAsync"/> and <see cref="MoveAsync"/>
/// from the other operations (override them when the backend does better). Derived classes
/// implement the <c>…CoreAsync</c> methods and may assume valid arguments.
/// </summary>
public abstract class StorageEngine : IStorageEngine
{
    private int _disposed;
    private int _fallbackCopies;
    private int _fallbackMoves;

    /// <inheritdoc />
    public abstract string EngineType { get; }

    /// <inheritdoc />
    public abstract StorageCapabilities Capabilities { get; }

    /// <summary>
    /// The engine's restrictions. By default <see cref="StorageTraits.UnorderedListing"/> when the engine
    /// lists without <see cref="StorageCapabilities.OrderedList"/>, plus <see cref="StorageTraits.CaseInsensitiveKeys"/>
    /// when it still declares the obsolete capability flag of that name.
    /// </summary>
    public virtual StorageTraits Traits => DefaultTraits(Capabilities);

    /// <summary>What keys the engine can store; checked here before every operation. By default every valid key.</summary>
    public virtual StorageKeyRules KeyRules => StorageKeyRules.Default;

    /// <summary>
    /// True when <see cref="ListCoreAsync"/> honours <see cref="ListOptions.ContinuationToken"/> itself (and sets
    /// <see cref="StorageEntry.ContinuationToken"/>). When false, the engine must declare
    /// <see cref="StorageCapabilities.OrderedList"/>, and a token (an entry's key) is turned into <see cref="ListOptions.StartAfter"/> here.
    /// </summary>
    protected virtual bool HandlesContinuationTokens => false;

    /// <summary>True once <see cref="DisposeAsync"/> has run.</summary>
    protected bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>How many copies ran this class's load-and-save fallback (the conformance kit checks <c>NativeCopy</c> with it).</summary>
    internal int FallbackCopies => Volatile.Read(ref _fallbackCopies);

    /// <summary>How many moves ran this class's copy-then-delete fallback (the conformance kit checks <c>NativeMove</c> with it).</summary>
    internal int FallbackMoves => Volatile.Read(ref _fallbackMoves);

    /// <inheritdoc />
    public async ValueTask<StorageItem> SaveAsync(string key, Stream content, SaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= SaveOptions.Default;
        Enter(key, StorageOperation.Save, StorageCapabilities.Write, cancellationToken);
        if (!content.CanRead)
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, $"The content stream for key '{key}' cannot be read (was it disposed?). Pass an open, readable stream.")
            { Key = key, Provider = EngineType, Operation = StorageOperation.Save };
        }

        Require(options.Condition.Kind == WriteConditionKind.IfNotExists, StorageCapabilities.CreateOnly, "create-only saves");
        Require(options.Condition.Kind == WriteConditionKind.IfMatch, StorageCapabilities.ConditionalWrite, "if-match saves");
        Require(options.ContentType is not null, StorageCapabilities.ContentType, "content types");
        Require(options.Metadata is { Count: > 0 }, StorageCapabilities.UserMetadata, "user metadata");
        Require(options.LastModified is not null, StorageCapabilities.SetLastModified, "setting the last-modified time");
        StorageMetadata.Validate(options.Metadata, key, EngineType);
        if (options.ExpectedLength is < 0)
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, $"ExpectedLength for key '{key}' is negative.") { Key = key, Provider = EngineType, Operation = StorageOperation.Save };
        }

        ValidateExpectedHashes(options.ExpectedHashes, key);
        var observed = options.Progress is null && options.ExpectedHashes is not { Count: > 0 }
            ? null
            : new ContentObservingStream(content, options.Progress, options.ExpectedLength, options.ExpectedHashes, key, EngineType, ownsInner: false);
        try
        {
            // Progress is reported here, once, in the caller's bytes: the stages beneath (which see
            // ciphertext, or the same bytes again) must not report it a second time.
            return await SaveCoreAsync(key, observed ?? content, options.Progress is null ? options : options with { Progress = null }, cancellationToken);
        }
        catch (StorageException e) when (NeedsContext(e))
        {
            throw e.WithContext(EngineType, StorageOperation.Save, key);
        }
        finally
        {
            if (observed is not null)
            {
                await observed.DisposeAsync();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<StorageReadResult> OpenReadAsync(string key, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ReadOptions.Default;
        Enter(key, StorageOperation.Load, StorageCapabilities.Read, cancellationToken);
        Require(options.Range is not null, StorageCapabilities.RangeRead, "ranged reads");
        Require(options.IfNoneMatch is not null, StorageCapabilities.ConditionalRead, "if-none-match loads");
        try
        {
            var result = await OpenReadCoreAsync(key, Beneath(options), cancellationToken);
            return options.IfMatch is null && options.Progress is null ? result : await PinAndObserveAsync(key, options, result);
        }
        catch (StorageException e) when (NeedsContext(e))
        {
            throw e.WithContext(EngineType, StorageOperation.Load, key);
        }
    }

    /// <inheritdoc />
    public async ValueTask<StorageItem> StatAsync(string key, CancellationToken cancellationToken = default)
    {
        Enter(key, StorageOperation.Stat, StorageCapabilities.Read, cancellationToken);
        try
        {
            return await StatCoreAsync(key, cancellationToken);
        }
        catch (StorageException e) when (NeedsContext(e))
        {
            throw e.WithContext(EngineType, StorageOperation.Stat, key);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        Enter(key, StorageOperation.Exists, StorageCapabilities.Read, cancellationToken);
        try
        {
            return await ExistsCoreAsync(key, cancellationToken);
        }
        catch (StorageException e) when (NeedsContext(e))
        {
            throw e.WithContext(EngineType, StorageOperation.Exists, key);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string key, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= DeleteOptions.Default;
        Enter(key, StorageOperation.Delete, StorageCapabilities.Delete, cancellationToken);
        Require(options.IfMatch is not null, StorageCapabilities.ConditionalWrite, "if-match deletes");
        try
        {
            return await DeleteCoreAsync(key, options, cancellationToken);
        }
        catch (StorageException e) when (NeedsContext(e))
        {
            throw e.WithContext(EngineType, StorageOperation.Delete, key);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StorageEntry> ListAsync(ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ListOptions.Default;
        ThrowIfDisposed();
        StorageKey.ValidatePrefix(options.Prefix, EngineType, StorageOperation.List);
        Require(true, StorageCapabilities.List, "listing");
        Require(!options.Recursive, StorageCapabilities.ShallowList, "shallow listing");
        Require(options.Recursive, StorageCapabilities.RecursiveList, "recursive listing");
        Require(options.StartAfter is not null, StorageCapabilities.OrderedList, "ordered listing with StartAfter");
        if (options.PageSize is <= 0)
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, $"PageSize must be positive; it is {options.PageSize}.") { Provider = EngineType, Operation = StorageOperation.List };
        }

        if (options.ContinuationToken is { } token && !HandlesContinuationTokens)
        {
            if (token.Length == 0 || !Capabilities.HasFlag(StorageCapabilities.OrderedList))
            {
                throw new StorageException(StorageErrorCode.InvalidArgument, $"Continuation token '{token}' was not issued by the '{EngineType}' engine. Pass the ContinuationToken (or, for ordered engines, the key) of the last entry received.")
                { Provider = EngineType, Operation = StorageOperation.List, Key = options.Prefix };
            }

            options = options with
            {
                ContinuationToken = null,
                StartAfter = options.StartAfter is null || string.CompareOrdinal(token, options.StartAfter) > 0 ? token : options.StartAfter,
            };
        }

        return ListWithContextAsync(options, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<StorageItem> CopyAsync(string sourceKey, string destinationKey, WriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        EnterTransfer(sourceKey, destinationKey, StorageOperation.Copy, condition, cancellationToken);
        try
        {
            return await CopyCoreAsync(sourceKey, destinationKey, condition, cancellationToken);
        }
        catch (StorageException e) when (NeedsContext(e))
        {
            throw e.WithContext(EngineType, StorageOperation.Copy, sourceKey);
        }
    }

    /// <inheritdoc />
    public async ValueTask<StorageItem> MoveAsync(string sourceKey, string destinationKey, WriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        EnterTransfer(sourceKey, destinationKey, StorageOperation.Move, condition, cancellationToken);
        Require(true, StorageCapabilities.Delete, "move (it deletes the source)");
        try
        {
            return await MoveCoreAsync(sourceKey, destinationKey, condition, cancellationToken);
        }
        catch (StorageException e) when (NeedsContext(e))
        {
            throw e.WithContext(EngineType, StorageOperation.Move, sourceKey);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ThrowIfDisposed();
        Require(true, StorageCapabilities.Delete, StorageOperation.DeleteMany);
        foreach (var key in keys)
        {
            StorageKey.Validate(key, EngineType, StorageOperation.DeleteMany);
            CheckKeyRules(key, StorageOperation.DeleteMany);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (keys.Count == 0)
        {
            return [];
        }

        try
        {
            return await DeleteManyCoreAsync(keys, cancellationToken);
        }
        catch (StorageException e) when (NeedsContext(e))
        {
            throw e.WithContext(EngineType, StorageOperation.DeleteMany, null);
        }
    }

    /// <inheritdoc />
    public async ValueTask<string> GetChangeCursorAsync(string prefix = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ThrowIfDisposed();
        StorageKey.ValidatePrefix(prefix, EngineType, StorageOperation.ChangeCursor);
        Require(true, StorageCapabilities.ChangeFeed, "change feeds");
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await GetChangeCursorCoreAsync(prefix, cancellationToken);
        }
        catch (StorageException e) when (NeedsContext(e))
        {
            throw e.WithContext(EngineType, StorageOperation.ChangeCursor, prefix);
        }
    }

    /// <inheritdoc />
    public async ValueTask<StorageChangePage> ReadChangesAsync(string cursor, ChangeReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ChangeReadOptions.Default;
        ThrowIfDisposed();
        Require(true, StorageCapabilities.ChangeFeed, "change feeds");
        ValidateCursor(cursor, StorageOperation.ReadChanges);
        if (options.PageSize is <= 0)
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, $"PageSize must be positive; it is {options.PageSize}.") { Provider = EngineType, Operation = StorageOperation.ReadChanges };
        }

        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await ReadChangesCoreAsync(cursor, options, cancellationToken);
        }
        catch (StorageException e) when (NeedsContext(e))
        {
            throw e.WithContext(EngineType, StorageOperation.ReadChanges, null);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> WaitForChangesAsync(string cursor, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        Require(true, StorageCapabilities.ChangeFeed | StorageCapabilities.ChangeFeedWait, "waiting for changes");
        ValidateCursor(cursor, StorageOperation.WaitForChanges);
        if (timeout <= TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan)
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, $"The wait timeout must be positive and finite; it is {timeout}.") { Provider = EngineType, Operation = StorageOperation.WaitForChanges };
        }

        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await WaitForChangesCoreAsync(cursor, timeout, cancellationToken);
        }
        catch (StorageException e) when (NeedsContext(e))
        {
            throw e.WithContext(EngineType, StorageOperation.WaitForChanges, null);
        }
    }

    /// <inheritdoc />
    public async ValueTask<StorageInfo> GetInfoAsync(CancellationToken cancellationToken = default)

    {
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        return await GetInfoCoreAsync(cancellationToken);
    }

    /// <summary>Releases the engine; later calls throw <see cref="ObjectDisposedException"/>. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await DisposeCoreAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Stores content; arguments are valid and capabilities checked.</summary>
    protected abstract ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken);

    /// <summary>Opens content; arguments are valid and capabilities checked.</summary>
    protected abstract ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken);

    /// <summary>Reads metadata; the key is valid.</summary>
    protected abstract ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes; arguments are valid and capabilities checked.</summary>
    protected abstract ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Lists; the prefix is valid and capabilities checked. Yields every key under the prefix exactly once (in
    /// ordinal key order when the engine declares <see cref="StorageCapabilities.OrderedList"/>) and honours every option.
    /// </summary>
    protected abstract IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, CancellationToken cancellationToken);

    /// <summary>Reports type, platform, connection, capabilities and limits.</summary>
    protected abstract ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken);

    /// <summary>Whether a key exists; by default a stat that maps NotFound to false.</summary>
    protected virtual async ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await StatCoreAsync(key, cancellationToken);
            return true;
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Copies by streaming the source into a save of the destination (bounded memory), keeping its last-modified time.</summary>
    protected virtual async ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fallbackCopies);
        await using var source = await OpenReadCoreAsync(sourceKey, ReadOptions.Default, cancellationToken);
        var options = new SaveOptions
        {
            Condition = condition,
            ContentType = Capabilities.HasFlag(StorageCapabilities.ContentType) ? source.Item.ContentType : null,
            Metadata = Capabilities.HasFlag(StorageCapabilities.UserMetadata) ? source.Item.Metadata : null,
            ExpectedLength = source.Item.Size,
            LastModified = Capabilities.HasFlag(StorageCapabilities.SetLastModified) ? source.Item.LastModified : null,
        };
        return await SaveCoreAsync(destinationKey, source.Content, options, cancellationToken);
    }

    /// <summary>
    /// Moves by copying, then deleting the source only if it is unchanged since it was copied
    /// (when the engine supports if-match deletes), so a concurrent write to the source is never lost.
    /// </summary>
    protected virtual async ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fallbackMoves);
        var sourceItem = await StatCoreAsync(sourceKey, cancellationToken);
        var copied = await CopyCoreAsync(sourceKey, destinationKey, condition, cancellationToken);
        var deleteOptions = Capabilities.HasFlag(StorageCapabilities.ConditionalWrite)
            ? new DeleteOptions { IfMatch = sourceItem.ETag }
            : DeleteOptions.Default;
        await DeleteCoreAsync(sourceKey, deleteOptions, cancellationToken);
        return copied;
    }

    /// <summary>
    /// Deletes several valid keys; by default one <see cref="DeleteCoreAsync"/> at a time, recording each
    /// key's failure in its result. Engines declaring <see cref="StorageCapabilities.BatchDelete"/> override it.
    /// </summary>
    protected virtual async ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var results = new StorageDeleteResult[keys.Count];
        for (int i = 0; i < keys.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                results[i] = new StorageDeleteResult(keys[i], await DeleteCoreAsync(keys[i], DeleteOptions.Default, cancellationToken));
            }
            catch (StorageException e)
            {
                results[i] = new StorageDeleteResult(keys[i], false, NeedsContext(e) ? e.WithContext(EngineType, StorageOperation.Delete, keys[i]) : e);
            }
        }

        return results;
    }

    /// <summary>The latest change cursor for a valid prefix; engines declaring <see cref="StorageCapabilities.ChangeFeed"/> override it.</summary>
    protected virtual ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken) =>
        throw StorageException.Unsupported("change feeds", EngineType);

    /// <summary>Changes after a non-empty cursor; engines declaring <see cref="StorageCapabilities.ChangeFeed"/> override it.</summary>
    protected virtual ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken) =>
        throw StorageException.Unsupported("change feeds", EngineType);

    /// <summary>Waits for changes after a cursor; engines declaring <see cref="StorageCapabilities.ChangeFeedWait"/> override it.</summary>
    protected virtual ValueTask<bool> WaitForChangesCoreAsync(string cursor, TimeSpan timeout, CancellationToken cancellationToken) =>
        throw StorageException.Unsupported("waiting for changes", EngineType);

    /// <summary>Releases resources; called once.</summary>

    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// Loads a whole object (or a range) into a new array the caller owns, for
    /// <see cref="StorageEngineExtensions.LoadBytesAsync"/>; arguments are valid and capabilities
    /// checked. By default it opens the object with <see cref="OpenReadCoreAsync"/> and reads it;
    /// override it when the engine can answer without a stream (a cache hit). It must return what
    /// reading <see cref="OpenReadCoreAsync"/> would, never an array the engine keeps using.
    /// </summary>
    protected virtual async ValueTask<byte[]> LoadBytesCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        await using var result = await OpenReadCoreAsync(key, options, cancellationToken);
        return await StorageEngineExtensions.ReadWholeAsync(result, options, cancellationToken);
    }

    /// <summary>
    /// <see cref="StorageEngineExtensions.LoadBytesAsync"/> for engines derived from this class: the
    /// checks of <see cref="OpenReadAsync"/>, then <see cref="LoadBytesCoreAsync"/>. A result that is
    /// ready at once (a cache hit) is returned without an async state machine.
    /// </summary>
    internal ValueTask<byte[]> LoadBytesAsync(string key, ReadOptions? options, CancellationToken cancellationToken)
    {
        ValueTask<byte[]> pending;
        try
        {
            options ??= ReadOptions.Default;
            Enter(key, StorageOperation.Load, StorageCapabilities.Read, cancellationToken);
            Require(options.Range is not null, StorageCapabilities.RangeRead, "ranged reads");
            Require(options.IfNoneMatch is not null, StorageCapabilities.ConditionalRead, "if-none-match loads");
            pending = options.IfMatch is null && options.Progress is null
                ? LoadBytesCoreAsync(key, options, cancellationToken)
                : LoadPinnedBytesAsync(key, options, cancellationToken);
        }
#pragma warning disable CA1031 // Not swallowed: handed to the caller in the returned task, as an async method would.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return ValueTask.FromException<byte[]>(e is StorageException storage && NeedsContext(storage) ? storage.WithContext(EngineType, StorageOperation.Load, key) : e);
        }

        return pending.IsCompletedSuccessfully ? pending : WithContextAsync(pending, key);
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once the engine is disposed.</summary>
    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    private async IAsyncEnumerable<StorageEntry> ListWithContextAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var enumerator = ListCoreAsync(options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            StorageEntry entry;
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }

                entry = enumerator.Current;
            }
            catch (StorageException e) when (NeedsContext(e))
            {
                throw e.WithContext(EngineType, StorageOperation.List, options.Prefix);
            }

            yield return entry;
        }
    }

    private async ValueTask<byte[]> WithContextAsync(ValueTask<byte[]> pending, string key)
    {
        try
        {
            return await pending;
        }
        catch (StorageException e) when (NeedsContext(e))
        {
            throw e.WithContext(EngineType, StorageOperation.Load, key);
        }
    }

    private void Enter(string key, string operation, StorageCapabilities needed, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        StorageKey.Validate(key, EngineType, operation);
        cancellationToken.ThrowIfCancellationRequested();
        Require(true, needed, operation);
        CheckKeyRules(key, operation);
    }

    private void CheckKeyRules(string key, string operation)
    {
        var rules = KeyRules;
        if (!ReferenceEquals(rules, StorageKeyRules.Default) && rules.Explain(key) is { } reason)
        {
            throw StorageException.Unrepresentable(key, reason, EngineType, operation);
        }
    }

    private void ValidateCursor(string cursor, string operation)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, "A change cursor is required; get one from GetChangeCursorAsync or from the last page read.") { Provider = EngineType, Operation = operation };
        }
    }

    private void ValidateExpectedHashes(IReadOnlyDictionary<string, string>? hashes, string key)
    {
        if (hashes is null)
        {
            return;
        }

        foreach (var (algorithm, value) in hashes)
        {
            if (!StorageHashAlgorithms.IsKnown(algorithm) || string.IsNullOrWhiteSpace(value))
            {
                throw new StorageException(StorageErrorCode.InvalidArgument, $"Expected hash '{algorithm}' for key '{key}' is not usable: name one of {string.Join(", ", StorageHashAlgorithms.All)} with a non-empty value.")
                { Key = key, Provider = EngineType, Operation = StorageOperation.Save };
            }
        }
    }

    /// <summary>The read options the stages beneath see: progress is reported once, by this engine, in the caller's bytes.</summary>
    private static ReadOptions Beneath(ReadOptions options) => options.Progress is null ? options : options with { Progress = null };

    private async ValueTask<StorageReadResult> PinAndObserveAsync(string key, ReadOptions options, StorageReadResult result)
    {
        if (options.IfMatch is { } expected && !result.NotModified && result.Item.ETag != expected)
        {
            await result.DisposeAsync();
            throw StorageException.ETagMismatch(key, expected, EngineType, StorageOperation.Load);
        }

        if (options.Progress is null || result.NotModified)
        {
            return result;
        }

        long? total = options.Range is null ? result.Item.Size : null;
        return new StorageReadResult(result.Item, new ContentObservingStream(result.Content, options.Progress, total, null, key, EngineType, ownsInner: true));
    }

    private async ValueTask<byte[]> LoadPinnedBytesAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        await using var result = await PinAndObserveAsync(key, options, await OpenReadCoreAsync(key, Beneath(options), cancellationToken));
        return await StorageEngineExtensions.ReadWholeAsync(result, options, cancellationToken);
    }

#pragma warning disable CS0618 // The obsolete capability flag is read here, once, as the trait it became.
    private static StorageTraits DefaultTraits(StorageCapabilities capabilities) =>
        (capabilities.HasFlag(StorageCapabilities.CaseInsensitiveKeys) ? StorageTraits.CaseInsensitiveKeys : StorageTraits.None)
        | (capabilities.HasFlag(StorageCapabilities.List) && !capabilities.HasFlag(StorageCapabilities.OrderedList) ? StorageTraits.UnorderedListing : StorageTraits.None);
#pragma warning restore CS0618


    private void EnterTransfer(string sourceKey, string destinationKey, string operation, WriteCondition condition, CancellationToken cancellationToken)
    {
        Enter(sourceKey, operation, StorageCapabilities.Read | StorageCapabilities.Write, cancellationToken);
        StorageKey.Validate(destinationKey, EngineType, operation);
        CheckKeyRules(destinationKey, operation);
        if (string.Equals(sourceKey, destinationKey, StringComparison.Ordinal)
            || (Traits.HasFlag(StorageTraits.CaseInsensitiveKeys) && string.Equals(sourceKey, destinationKey, StringComparison.OrdinalIgnoreCase)))
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, $"Cannot {operation} key '{sourceKey}' onto itself. Choose a different destination key.")
            { Key = sourceKey, Provider = EngineType, Operation = operation };
        }

        Require(condition.Kind == WriteConditionKind.IfNotExists, StorageCapabilities.CreateOnly, $"create-only {operation}");
        Require(condition.Kind == WriteConditionKind.IfMatch, StorageCapabilities.ConditionalWrite, $"if-match {operation}");
    }

    private void Require(bool used, StorageCapabilities needed, string what)
    {
        if (used && (Capabilities & needed) != needed)
        {
            throw StorageException.Unsupported(what, EngineType);
        }
    }

    private static bool NeedsContext(StorageException e) => e.Provider is null || e.Operation is null;
}
