namespace Atomiton.Storage;

/// <summary>
/// One storage engine: a backend (memory, filesystem, a cloud drive) or a wrapper over another
/// engine (encrypted, cached, retry). Every member is thread-safe and cancellable; keys follow
/// <see cref="StorageKey"/>; failures are <see cref="StorageException"/>s. The semantics of every
/// edge case are in <c>docs/contract.md</c> and checked by the conformance kit.
/// </summary>
/// <remarks>
/// Implement it by deriving from <see cref="StorageEngine"/>, which checks keys and arguments,
/// and provides copy, move and exists in terms of the other operations.
/// </remarks>
public interface IStorageEngine : IAsyncDisposable
{
    /// <summary>The engine type, such as <c>memory</c>, <c>filesystem</c> or <c>encrypted</c>.</summary>
    string EngineType { get; }

    /// <summary>What this engine (with everything beneath it) can do.</summary>
    StorageCapabilities Capabilities { get; }

    /// <summary>The engine's restrictions (case-insensitive keys, duplicate names, unordered listing…).</summary>
    StorageTraits Traits => StorageTraits.None;

    /// <summary>What keys the engine can store; a valid key beyond them is <see cref="StorageErrorCode.UnrepresentableKey"/>.</summary>
    StorageKeyRules KeyRules => StorageKeyRules.Default;

    /// <summary>
    /// Stores the content of <paramref name="content"/> (read to its end, in bounded memory)
    /// under <paramref name="key"/>, replacing content, content type and metadata as a whole.
    /// Atomic: readers see the old or the new object, never a part; if the source throws, is
    /// cancelled or is shorter than <see cref="SaveOptions.ExpectedLength"/>, nothing is written.
    /// </summary>
    /// <returns>The stored object's metadata, equal to a following <see cref="StatAsync"/>.</returns>
    /// <exception cref="StorageException">InvalidKey, Conflict (failed condition), QuotaExceeded, ObjectTooLarge, or a backend error.</exception>
    ValueTask<StorageItem> SaveAsync(string key, Stream content, SaveOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Opens an object (or a range of it) for reading. The caller disposes the result.</summary>
    /// <exception cref="StorageException">NotFound, InvalidKey, Integrity, or a backend error.</exception>
    ValueTask<StorageReadResult> OpenReadAsync(string key, ReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The metadata of one object.</summary>
    /// <exception cref="StorageException">NotFound, InvalidKey, or a backend error.</exception>
    ValueTask<StorageItem> StatAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Whether an object is stored under <paramref name="key"/>.</summary>
    /// <exception cref="StorageException">InvalidKey, or a backend error.</exception>
    ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes one object. Deleting a missing key succeeds (returns false) unless
    /// <see cref="DeleteOptions.IfMatch"/> is given, which makes it a Conflict.
    /// </summary>
    /// <returns>True when an object was deleted.</returns>
    /// <exception cref="StorageException">InvalidKey, Conflict, or a backend error.</exception>
    ValueTask<bool> DeleteAsync(string key, DeleteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the objects (and, in a shallow listing, common prefixes) under a prefix, each exactly
    /// once, without holding the whole listing in memory: in ordinal key order on engines declaring
    /// <see cref="StorageCapabilities.OrderedList"/>, in the engine's order otherwise. A missing prefix
    /// lists nothing. Resume an interrupted listing with <see cref="ListOptions.ContinuationToken"/>.
    /// </summary>
    /// <exception cref="StorageException">InvalidKey (bad prefix), or a backend error while enumerating.</exception>
    IAsyncEnumerable<StorageEntry> ListAsync(ListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Copies an object with its content type and metadata; the copy gets a new ETag.</summary>
    /// <param name="sourceKey">The object to copy.</param>
    /// <param name="destinationKey">Where to copy it; must differ from the source.</param>
    /// <param name="condition">A precondition on the destination (for example create-only).</param>
    /// <param name="cancellationToken">Cancels the copy; nothing partial is left.</param>
    /// <exception cref="StorageException">NotFound (source), Conflict, InvalidKey, InvalidArgument (source equal to destination).</exception>
    ValueTask<StorageItem> CopyAsync(string sourceKey, string destinationKey, WriteCondition condition = default, CancellationToken cancellationToken = default);

    /// <summary>Moves an object: a copy followed by deleting the source (atomic where <see cref="StorageCapabilities.NativeMove"/>).</summary>
    /// <exception cref="StorageException">NotFound (source), Conflict, InvalidKey, InvalidArgument (source equal to destination).</exception>
    ValueTask<StorageItem> MoveAsync(string sourceKey, string destinationKey, WriteCondition condition = default, CancellationToken cancellationToken = default);

    /// <summary>Type, platform, connection, capabilities and limits.</summary>
    ValueTask<StorageInfo> GetInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes several keys, in batches of up to <see cref="StorageLimits.MaxDeleteBatch"/> where the engine
    /// declares <see cref="StorageCapabilities.BatchDelete"/> and one at a time otherwise. Every key is
    /// checked before anything is deleted; a key that fails is reported in its result, the others still go.
    /// </summary>
    /// <returns>One result per key, in the order given.</returns>
    /// <exception cref="StorageException">InvalidKey (nothing deleted), UnsupportedOperation, or a failure of the whole request.</exception>
    ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        throw StorageException.Unsupported("batch delete", EngineType, "derive the engine from StorageEngine, which deletes one key at a time");

    /// <summary>
    /// The latest change cursor for keys under <paramref name="prefix"/>: reading changes from it returns
    /// what happens after this call. Needs <see cref="StorageCapabilities.ChangeFeed"/>.
    /// </summary>
    /// <exception cref="StorageException">InvalidKey (bad prefix), UnsupportedOperation, or a backend error.</exception>
    ValueTask<string> GetChangeCursorAsync(string prefix = "", CancellationToken cancellationToken = default) =>
        throw StorageException.Unsupported("change feeds", EngineType);

    /// <summary>
    /// The changes after <paramref name="cursor"/> (for the prefix the cursor was made for), one page at a
    /// time: upserts with their item, deletes as tombstones, moves where the engine knows them. Read until
    /// <see cref="StorageChangePage.HasMore"/> is false to catch up. Needs <see cref="StorageCapabilities.ChangeFeed"/>.
    /// </summary>
    /// <exception cref="StorageException">CursorExpired (enumerate again; see <see cref="StorageException.CursorTrust"/>), InvalidArgument, or a backend error.</exception>
    ValueTask<StorageChangePage> ReadChangesAsync(string cursor, ChangeReadOptions? options = null, CancellationToken cancellationToken = default) =>
        throw StorageException.Unsupported("change feeds", EngineType);

    /// <summary>
    /// Waits until there are changes after <paramref name="cursor"/> or <paramref name="timeout"/> passes (a
    /// long poll). Needs <see cref="StorageCapabilities.ChangeFeedWait"/>.
    /// </summary>
    /// <returns>True when changes are waiting; false when the timeout passed first.</returns>
    /// <exception cref="StorageException">CursorExpired, InvalidArgument, or a backend error.</exception>
    ValueTask<bool> WaitForChangesAsync(string cursor, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        throw StorageException.Unsupported("waiting for changes", EngineType);
}
