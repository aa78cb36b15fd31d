namespace Atomiton.Storage;

/// <summary>
/// A base for wrappers: every operation forwards to <see cref="Inner"/> unless overridden.
/// Copy and move are not forwarded: they run through this wrapper's own load and save, so a
/// wrapper that transforms content (encryption, compression) stays correct without extra work;
/// a wrapper that does not transform content may override them to forward.
/// </summary>
public abstract class DelegatingStorageEngine : StorageEngine
{
    private readonly bool _ownsInner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The engine beneath this one.</param>
    /// <param name="ownsInner">Whether disposing this wrapper disposes <paramref name="inner"/> (true in pipelines).</param>
    protected DelegatingStorageEngine(IStorageEngine inner, bool ownsInner = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
        _ownsInner = ownsInner;
    }

    /// <summary>The engine beneath this one.</summary>
    public IStorageEngine Inner { get; }

    /// <summary>
    /// The inner engine's capabilities less <see cref="StorageCapabilities.NativeCopy"/> and
    /// <see cref="StorageCapabilities.NativeMove"/>, unless overridden: this class's copy and move run through its
    /// own load and save, so they are not native whatever the inner engine does. A wrapper that forwards copy and
    /// move to <see cref="Inner"/> overrides this to return <c>Inner.Capabilities</c>.
    /// </summary>
    public override StorageCapabilities Capabilities => Inner.Capabilities & ~(StorageCapabilities.NativeCopy | StorageCapabilities.NativeMove);

    /// <summary>The inner engine's restrictions, unless overridden.</summary>
    public override StorageTraits Traits => Inner.Traits;

    /// <summary>The inner engine's key rules, unless overridden (a wrapper that changes keys declares its own).</summary>
    public override StorageKeyRules KeyRules => Inner.KeyRules;

    /// <summary>Continuation tokens are the inner engine's and pass through unchanged.</summary>
    protected override bool HandlesContinuationTokens => true;

    /// <inheritdoc />
    protected override ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        Inner.DeleteManyAsync(keys, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<string> GetChangeCursorCoreAsync(string prefix, CancellationToken cancellationToken) =>
        Inner.GetChangeCursorAsync(prefix, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageChangePage> ReadChangesCoreAsync(string cursor, ChangeReadOptions options, CancellationToken cancellationToken) =>
        Inner.ReadChangesAsync(cursor, options, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<bool> WaitForChangesCoreAsync(string cursor, TimeSpan timeout, CancellationToken cancellationToken) =>
        Inner.WaitForChangesAsync(cursor, timeout, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken) =>
        Inner.SaveAsync(key, content, options, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken) =>
        Inner.OpenReadAsync(key, options, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        Inner.StatAsync(key, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken) =>
        Inner.ExistsAsync(key, cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken) =>
        Inner.DeleteAsync(key, options, cancellationToken);

    /// <inheritdoc />
    protected override IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, CancellationToken cancellationToken) =>
        Inner.ListAsync(options, cancellationToken);

    /// <summary>
    /// The inner engine's information under this wrapper's type, with the inner one nested. Hash algorithms
    /// and the modification-time precision are reported only while this wrapper declares
    /// <see cref="StorageCapabilities.ContentHashes"/> and <see cref="StorageCapabilities.SetLastModified"/>.
    /// </summary>
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        var inner = await Inner.GetInfoAsync(cancellationToken);
        var capabilities = Capabilities;
        return inner with
        {
            EngineType = EngineType,
            Capabilities = capabilities,
            Traits = Traits,
            KeyRules = KeyRules,
            HashAlgorithms = capabilities.HasFlag(StorageCapabilities.ContentHashes) ? inner.HashAlgorithms : [],
            Limits = capabilities.HasFlag(StorageCapabilities.SetLastModified) ? inner.Limits : inner.Limits with { ModifiedTimePrecision = null },
            Details = StorageItem.EmptyMetadata,
            Inner = inner,
        };
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeCoreAsync()
    {
        if (_ownsInner)
        {
            await Inner.DisposeAsync();
        }

        await base.DisposeCoreAsync();
    }
}
