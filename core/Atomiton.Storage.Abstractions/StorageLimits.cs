namespace Atomiton.Storage;

/// <summary>Limits and usage an engine reports through <see cref="StorageInfo"/>; null means unknown or unlimited.</summary>
public sealed record StorageLimits
{
    /// <summary>The largest object the engine accepts, in bytes.</summary>
    public long? MaxObjectSize { get; init; }

    /// <summary>The most objects the engine holds.</summary>
    public long? MaxItems { get; init; }

    /// <summary>Bytes used.</summary>
    public long? QuotaUsed { get; init; }

    /// <summary>Bytes available in all.</summary>
    public long? QuotaTotal { get; init; }

    /// <summary>No known limits.</summary>
    public static StorageLimits None { get; } = new();
}
