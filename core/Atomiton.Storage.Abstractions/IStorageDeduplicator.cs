namespace Atomiton.Storage;

/// <summary>
/// Offered by engines whose backend may hold several objects under one key
/// (<see cref="StorageTraits.DuplicateNames"/>): finds such keys and deletes every object of the key
/// but the one the engine's reads resolve to, so the rule readers already follow becomes the only
/// state. A host reaches it through a built pipeline by following <see cref="DelegatingStorageEngine.Inner"/>
/// to the stage that implements it (the contract assembly is shared across plugin load contexts, so
/// the cast works there); <c>atomiton-storage dedupe</c> does exactly that.
/// </summary>
public interface IStorageDeduplicator
{
    /// <summary>
    /// Finds every key starting with <paramref name="prefix"/> that names more than one object and,
    /// unless <paramref name="dryRun"/>, deletes all of its objects but the kept one. The kept object
    /// is the one reads return (for <see cref="StorageTraits.DuplicateNames"/>: the most recently
    /// modified, ties by the smallest item id), so readers see no change. Keys naming one object are
    /// not reported. Running it again after a complete run reports nothing.
    /// </summary>
    /// <param name="prefix">Only keys starting with this (ordinal); empty for all.</param>
    /// <param name="dryRun">Report what would be deleted without deleting anything.</param>
    /// <param name="cancellationToken">Stops between keys; keys already reported were completed.</param>
    /// <returns>One entry per key with duplicates, after that key was cleaned up (or, in a dry run, examined).</returns>
    /// <exception cref="StorageException">As for listing and deleting on the engine (naming the key and the backend's reason).</exception>
    IAsyncEnumerable<StorageDuplicateSet> DedupeAsync(string prefix = "", bool dryRun = false, CancellationToken cancellationToken = default);
}
