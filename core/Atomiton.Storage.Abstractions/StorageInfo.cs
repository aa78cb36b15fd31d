namespace Atomiton.Storage;

/// <summary>What an engine (or a whole pipeline) reports about itself, as the seed's <c>StorageInfo</c>.</summary>
public sealed record StorageInfo
{
    /// <summary>The engine type, such as <c>memory</c> or <c>filesystem</c>; for a pipeline, the outermost stage's.</summary>
    public required string EngineType { get; init; }

    /// <summary>Where the engine runs: <c>browser</c>, <c>desktop</c>, <c>server</c>, <c>cloud</c> or <c>any</c>.</summary>
    public required string Platform { get; init; }

    /// <summary>Whether the backend is reachable now.</summary>
    public required bool IsConnected { get; init; }

    /// <summary>The effective capabilities (for a wrapper: what it offers over its inner engine).</summary>
    public required StorageCapabilities Capabilities { get; init; }

    /// <summary>The engine's restrictions (for a composite stage: those of any member).</summary>
    public StorageTraits Traits { get; init; }

    /// <summary>What keys the engine can store.</summary>
    public StorageKeyRules KeyRules { get; init; } = StorageKeyRules.Default;

    /// <summary>The hash algorithms every item carries (with <see cref="StorageCapabilities.ContentHashes"/>); empty when none.</summary>
    public IReadOnlyList<string> HashAlgorithms { get; init; } = [];

    /// <summary>Limits and usage.</summary>
    public StorageLimits Limits { get; init; } = StorageLimits.None;

    /// <summary>Engine-specific facts (cache hit counts, inner engine types…), never secrets.</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = StorageItem.EmptyMetadata;

    /// <summary>The inner engine's information, for wrappers; null for a backend.</summary>
    public StorageInfo? Inner { get; init; }
}
