using System.Diagnostics.CodeAnalysis;
using Atomiton.Storage.Hosting.Discovery;
using Atomiton.Storage.Hosting.Pipelines;
using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Catalogue;

/// <summary>
/// Every provider the host can build — built-in and from plugins, in one list — plus the plugins
/// that loaded and every plugin failure. Immutable once built; safe to share between threads.
/// </summary>
public sealed class ProviderCatalogue : IPipelineProviders
{
    private readonly Dictionary<string, ProviderRegistration> _byName;

    internal ProviderCatalogue(IReadOnlyList<ProviderRegistration> providers, IReadOnlyList<LoadedPlugin> plugins, IReadOnlyList<PluginLoadFailure> failures)
    {
        Providers = providers;
        Plugins = plugins;
        Failures = failures;
        _byName = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>Every usable provider, built-ins first, then plugins in discovery order.</summary>
    public IReadOnlyList<ProviderRegistration> Providers { get; }

    /// <summary>The plugins whose main assembly loaded.</summary>
    public IReadOnlyList<LoadedPlugin> Plugins { get; }

    /// <summary>Every plugin folder or provider type the host could not use, with why.</summary>
    public IReadOnlyList<PluginLoadFailure> Failures { get; }

    /// <summary>The provider names, sorted, as listed in error messages.</summary>
    public IReadOnlyList<string> Names => [.. _byName.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Finds a provider by its name (case-sensitive, as names are lowercase).</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out ProviderRegistration? registration) =>
        _byName.TryGetValue(name, out registration);

    /// <summary>The registration of <paramref name="provider"/>, which came from this catalogue.</summary>
    internal ProviderRegistration Registration(IStorageProvider provider) => _byName[provider.Name];

    string IPipelineProviders.UnknownTypeNote => Failures.Count == 0
        ? ""
        : $" {Failures.Count} plugin problem(s) may explain it: {string.Join("; ", Failures)}";

    bool IPipelineProviders.TryGetProvider(string name, [NotNullWhen(true)] out IStorageProvider? provider)
    {
        provider = TryGet(name, out var registration) ? registration.Provider : null;
        return provider is not null;
    }
}
