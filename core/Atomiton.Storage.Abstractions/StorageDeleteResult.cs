namespace Atomiton.Storage;

/// <summary>The outcome for one key of <see cref="IStorageEngine.DeleteManyAsync"/>.</summary>
/// <param name="Key">The key.</param>
/// <param name="Deleted">True when an object was deleted; false when there was none (or <paramref name="Error"/> is set).</param>
/// <param name="Error">Why this key could not be deleted, or null; the other keys' outcomes stand.</param>
public sealed record StorageDeleteResult(string Key, bool Deleted, StorageException? Error = null);
