using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Catalogue;

/// <summary>One provider in the host's catalogue and where it came from.</summary>
/// <param name="Provider">The descriptor; its <see cref="IStorageProvider.Name"/> is the key in the catalogue.</param>
/// <param name="Source">The plugin's name, or <c>built-in (AssemblyName)</c> for a core provider.</param>
/// <param name="Path">The plugin's main assembly, or the core assembly's location.</param>
public sealed record ProviderRegistration(IStorageProvider Provider, string Source, string Path)
{
    /// <summary>The provider's name, as used in <c>plugins.json</c>.</summary>
    public string Name => Provider.Name;

    /// <summary>Backend or wrapper.</summary>
    public StorageProviderKind Kind => Provider.Kind;

    /// <summary>Whether it comes with the core assemblies rather than from a plugin folder.</summary>
    public bool IsBuiltIn => Source.StartsWith(BuiltInPrefix, StringComparison.Ordinal);

    internal const string BuiltInPrefix = "built-in";
}
