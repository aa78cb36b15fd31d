namespace Atomiton.Storage.Host.Cli;

/// <summary>
/// <see cref="StorageInfo"/> as <c>--json</c> prints it: capabilities as an array of flag names,
/// the same shape <c>pipelines --json</c> gives them.
/// </summary>
internal sealed record InfoView(
    string EngineType,
    string Platform,
    bool IsConnected,
    IReadOnlyList<string> Capabilities,
    StorageLimits Limits,
    IReadOnlyDictionary<string, string> Details,
    InfoView? Inner)
{
    public static InfoView Of(StorageInfo info) =>
        new(info.EngineType, info.Platform, info.IsConnected, CapabilityNames.Of(info.Capabilities), info.Limits, info.Details, info.Inner is null ? null : Of(info.Inner));
}
