namespace Atomiton.Storage.Cloud.Wire;

/// <summary>What the server's engine offers the caller: type, capabilities, traits, key rules, hashes and limits.</summary>
internal sealed record WireInfo
{
    public required string EngineType { get; init; }

    public required string Platform { get; init; }

    public required bool IsConnected { get; init; }

    /// <summary>Capability names, comma-separated as <see cref="StorageCapabilities"/> formats them.</summary>
    public required string Capabilities { get; init; }

    /// <summary>Trait names, comma-separated as <see cref="StorageTraits"/> formats them (<c>None</c> when none).</summary>
    public string? Traits { get; init; }

    /// <summary>What keys the caller can store: the served engine's rules with the tenant prefix taken off the key budget.</summary>
    public WireKeyRules? KeyRules { get; init; }

    /// <summary>The hash algorithms every item carries (with the ContentHashes capability).</summary>
    public IReadOnlyList<string>? HashAlgorithms { get; init; }

    public long? MaxObjectSize { get; init; }

    public long? MaxItems { get; init; }

    public long? QuotaUsed { get; init; }

    public long? QuotaTotal { get; init; }

    /// <summary>How many objects count against the caller's tenant quota (only when the tenant has one).</summary>
    public long? QuotaItemsUsed { get; init; }

    /// <summary>How finely the served engine keeps last-modified times, in seconds.</summary>
    public double? ModifiedTimePrecisionSeconds { get; init; }

    public int? MaxMetadataEntries { get; init; }

    public int? MaxMetadataEntryBytes { get; init; }

    public int? MaxMetadataBytes { get; init; }

    /// <summary>How long the server's change log keeps changes, in seconds.</summary>
    public double? ChangeRetentionSeconds { get; init; }

    /// <summary>The longest wait <c>GET /v1/changes/wait</c> grants, in seconds.</summary>
    public double? MaxChangeWaitSeconds { get; init; }

    /// <summary>
    /// True when <c>GET /v1/list</c> accepts <c>continuationToken</c> (and, over storage listing in no key order,
    /// gives sealed tokens); absent from older servers.
    /// </summary>
    public bool? ListingTokens { get; init; }

    public required string ApiVersion { get; init; }
}

/// <summary>The key rules of <see cref="WireInfo"/> (see <see cref="StorageKeyRules"/>).</summary>
internal sealed record WireKeyRules
{
    public int MaxKeyBytes { get; init; }

    public int MaxSegmentBytes { get; init; }

    public bool CaseInsensitive { get; init; }

    public bool PreservesCase { get; init; } = true;

    public string? UnicodeNormalization { get; init; }

    public bool ObjectAndFolderMayShareName { get; init; } = true;

    public string? ForbiddenCharacters { get; init; }

    public string? ForbiddenLeadingCharacters { get; init; }

    public string? ForbiddenTrailingCharacters { get; init; }

    public IReadOnlyList<string>? ReservedNames { get; init; }
}
