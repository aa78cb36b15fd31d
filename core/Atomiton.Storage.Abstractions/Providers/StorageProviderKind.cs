namespace Atomiton.Storage.Providers;

/// <summary>Where a provider's engines sit in a pipeline.</summary>
public enum StorageProviderKind
{
    /// <summary>Stores data itself; exactly one, at the bottom of every pipeline.</summary>
    Backend = 0,

    /// <summary>Wraps the engine beneath it (encrypted, cached, retry…).</summary>
    Wrapper,
}
