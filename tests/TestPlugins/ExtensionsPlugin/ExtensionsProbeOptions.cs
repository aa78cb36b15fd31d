namespace ExtensionsPlugin;

/// <summary>Options of the extensions-probe wrapper (none are needed).</summary>
public sealed class ExtensionsProbeOptions
{
}
