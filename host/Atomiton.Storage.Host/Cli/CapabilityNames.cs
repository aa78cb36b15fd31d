namespace Atomiton.Storage.Host.Cli;

/// <summary>Spells capabilities out flag by flag (no composite names such as <c>Standard</c>), as operators and scripts need them.</summary>
internal static class CapabilityNames
{
    public static IReadOnlyList<string> Of(StorageCapabilities capabilities) =>
        [.. Enum.GetValues<StorageCapabilities>()
            .Where(flag => flag != 0 && (flag & (flag - 1)) == 0 && capabilities.HasFlag(flag))
            .Select(flag => flag.ToString())];
}
