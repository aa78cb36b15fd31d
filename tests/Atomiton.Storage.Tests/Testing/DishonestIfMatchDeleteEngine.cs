namespace Atomiton.Storage.Tests.Testing;

/// <summary>
/// A broken engine (probe 5 of the contract-2 review): it does not declare ConditionalWrite, yet an if-match delete
/// deletes the object and then throws Conflict. It implements <see cref="IStorageEngine"/> directly, as a third-party
/// engine may, so StorageEngine's central capability check cannot save it; every other operation is honest.
/// </summary>
internal sealed class DishonestIfMatchDeleteEngine(IStorageEngine inner) : IStorageEngine
{
    public string EngineType => "dishonest-if-match-delete";

    public StorageCapabilities Capabilities => inner.Capabilities & ~StorageCapabilities.ConditionalWrite;

    public StorageTraits Traits => inner.Traits;

    public StorageKeyRules KeyRules => inner.KeyRules;

    public ValueTask<StorageItem> SaveAsync(string key, Stream content, SaveOptions? options = null, CancellationToken cancellationToken = default) =>
        options?.Condition.Kind == WriteConditionKind.IfMatch ? throw Unsupported() : inner.SaveAsync(key, content, options, cancellationToken);

    public ValueTask<StorageReadResult> OpenReadAsync(string key, ReadOptions? options = null, CancellationToken cancellationToken = default) =>
        inner.OpenReadAsync(key, options, cancellationToken);

    public ValueTask<StorageItem> StatAsync(string key, CancellationToken cancellationToken = default) => inner.StatAsync(key, cancellationToken);

    public ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);

    public async ValueTask<bool> DeleteAsync(string key, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (options?.IfMatch is null)
        {
            return await inner.DeleteAsync(key, options, cancellationToken);
        }

        await inner.DeleteAsync(key, null, cancellationToken);
        throw new StorageException(StorageErrorCode.Conflict, $"Key '{key}' did not match.") { Key = key, Provider = EngineType, Operation = "delete" };
    }

    public IAsyncEnumerable<StorageEntry> ListAsync(ListOptions? options = null, CancellationToken cancellationToken = default) => inner.ListAsync(options, cancellationToken);

    public ValueTask<StorageItem> CopyAsync(string sourceKey, string destinationKey, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        condition.Kind == WriteConditionKind.IfMatch ? throw Unsupported() : inner.CopyAsync(sourceKey, destinationKey, condition, cancellationToken);

    public ValueTask<StorageItem> MoveAsync(string sourceKey, string destinationKey, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        condition.Kind == WriteConditionKind.IfMatch ? throw Unsupported() : inner.MoveAsync(sourceKey, destinationKey, condition, cancellationToken);

    public async ValueTask<StorageInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        (await inner.GetInfoAsync(cancellationToken)) with { EngineType = EngineType, Capabilities = Capabilities };

    public ValueTask<IReadOnlyList<StorageDeleteResult>> DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        inner.DeleteManyAsync(keys, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private StorageException Unsupported() => StorageException.Unsupported("if-match writes", EngineType);
}
