namespace NoProviderPlugin;

/// <summary>Options of the hidden provider (public, so the plugin has a public type that is not a provider).</summary>
public sealed class HiddenOptions
{
}
