namespace Atomiton.Storage.Cloud.Wire;

/// <summary>What the server's engine offers the caller: type, capabilities and limits.</summary>
internal sealed record WireInfo
{
    public required string EngineType { get; init; }

    public required string Platform { get; init; }

    public required bool IsConnected { get; init; }

    /// <summary>Capability names, comma-separated as <see cref="StorageCapabilities"/> formats them.</summary>
    public required string Capabilities { get; init; }

    public long? MaxObjectSize { get; init; }

    public long? MaxItems { get; init; }

    public long? QuotaUsed { get; init; }

    public long? QuotaTotal { get; init; }

    public required string ApiVersion { get; init; }
}
