using System.Runtime.CompilerServices;

namespace Atomiton.Storage.Resilience;

/// <summary>
/// A base for stages that run every call of the engine beneath them through a policy (retry,
/// timeout, circuit breaker): one <see cref="ExecuteAsync{T}"/> for every operation, told whether
/// the call may safely run more than once. Content is not transformed, so copy and move are
/// forwarded to the inner engine (natively where it can). Listings are resumed after a failed
/// step just after the last entry returned.
/// </summary>
public abstract class ResilienceStorageEngine : DelegatingStorageEngine
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    protected ResilienceStorageEngine(IStorageEngine inner, bool ownsInner)
        : base(inner, ownsInner)
    {
    }

    /// <summary>The inner engine's capabilities: copy and move are forwarded to it.</summary>
    public override StorageCapabilities Capabilities => Inner.Capabilities;

    /// <summary>Runs one call of <paramref name="operation"/> through the stage's policy.</summary>
    /// <param name="operation">The operation name (<see cref="StorageOperation"/>).</param>
    /// <param name="key">The key or prefix, for errors and logs.</param>
    /// <param name="canRepeat">Whether running <paramref name="action"/> more than once is safe (see <see cref="CanRepeatWrite"/>).</param>
    /// <param name="action">One attempt; it must honour the token it is given.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    protected abstract ValueTask<T> ExecuteAsync<T>(string operation, string? key, bool canRepeat, Func<CancellationToken, ValueTask<T>> action, CancellationToken cancellationToken);

    /// <summary>Whether a write with this condition may run more than once; reads always may. True unless overridden.</summary>
    protected virtual bool CanRepeatWrite(string operation, WriteConditionKind condition) => true;

    /// <summary>Facts this stage adds to <see cref="StorageInfo.Details"/>.</summary>
    protected virtual IReadOnlyDictionary<string, string> InfoDetails => StorageItem.EmptyMetadata;

    /// <summary>Saves; a save is repeatable only from a seekable stream, rewound to where it started.</summary>
    protected override ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        bool seekable = content.CanSeek;
        long start = seekable ? content.Position : 0;
        int attempts = 0;
        return ExecuteAsync(StorageOperation.Save, key, seekable && CanRepeatWrite(StorageOperation.Save, options.Condition.Kind), ct =>
        {
            if (attempts++ > 0)
            {
                content.Position = start;
            }

            return Inner.SaveAsync(key, content, options, ct);
        }, cancellationToken);
    }

    /// <inheritdoc />
    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken) =>
        ExecuteAsync(StorageOperation.Load, key, canRepeat: true, ct => Inner.OpenReadAsync(key, options, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) =>
        ExecuteAsync(StorageOperation.Stat, key, canRepeat: true, ct => Inner.StatAsync(key, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<bool> ExistsCoreAsync(string key, CancellationToken cancellationToken) =>
        ExecuteAsync(StorageOperation.Exists, key, canRepeat: true, ct => Inner.ExistsAsync(key, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken) =>
        ExecuteAsync(StorageOperation.Delete, key, CanRepeatWrite(StorageOperation.Delete, options.IfMatch is null ? WriteConditionKind.None : WriteConditionKind.IfMatch),
            ct => Inner.DeleteAsync(key, options, ct), cancellationToken);

    /// <summary>Deletes several keys through the policy: unconditional deletes may run more than once.</summary>
    protected override ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyCoreAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        ExecuteAsync(StorageOperation.Delete, null, CanRepeatWrite(StorageOperation.Delete, WriteConditionKind.None), ct => Inner.DeleteManyAsync(keys, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        ExecuteAsync(StorageOperation.Copy, sourceKey, CanRepeatWrite(StorageOperation.Copy, condition.Kind),
            ct => Inner.CopyAsync(sourceKey, destinationKey, condition, ct), cancellationToken);

    /// <inheritdoc />
    protected override ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        ExecuteAsync(StorageOperation.Move, sourceKey, CanRepeatWrite(StorageOperation.Move, condition.Kind),
            ct => Inner.MoveAsync(sourceKey, destinationKey, condition, ct), cancellationToken);

    /// <inheritdoc />
    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var listing = new ResumableListing(Inner, options, cancellationToken);
        while (await ExecuteAsync(StorageOperation.List, options.Prefix, canRepeat: true, listing.MoveNextAsync, cancellationToken))
        {
            yield return listing.Current;
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken)
    {
        var inner = await ExecuteAsync(StorageOperation.Info, null, canRepeat: true, Inner.GetInfoAsync, cancellationToken);
        return inner with { EngineType = EngineType, Capabilities = Capabilities, Traits = Traits, KeyRules = KeyRules, Details = InfoDetails, Inner = inner };
    }
}
