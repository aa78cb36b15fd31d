using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Atomiton.Storage.Cached;
using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Hosting.Pipelines;

namespace Atomiton.Storage.Plugins.Browser.Hosting;

/// <summary>
/// The providers a browser app can use, registered by reference (browsers cannot load plugin folders).
/// Built in: <c>memory</c>, <c>cached</c>, <c>encrypted</c>, <c>indexeddb</c>, <c>localstorage</c>, <c>browser</c>;
/// add others with <see cref="AddProvider{TProvider, TOptions}"/>.
/// </summary>
public sealed class BrowserStorageBuilder : IPipelineProviders
{
    private readonly Dictionary<string, IStorageProvider> _providers = new(StringComparer.Ordinal);

    internal BrowserStorageBuilder()
    {
        AddProvider<MemoryProvider, MemoryOptions>();
        AddProvider<CachedProvider, CachedOptions>();
        AddProvider<EncryptedProvider, EncryptedOptions>();
        AddProvider<IndexedDbProvider, IndexedDb.IndexedDbOptions>();
        AddProvider<LocalStorageProvider, LocalStorage.LocalStorageOptions>();
        AddProvider<BrowserStorageProvider, BrowserStorageOptions>();
    }

    /// <summary>The clock handed to every engine (tests pass a fake one). Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// What configuration problems name as their file (default <c>appsettings.json</c>, where Blazor apps keep
    /// the <c>"storage"</c> section); JSON paths within it come from the configuration section's own path.
    /// </summary>
    public string ConfigurationFile { get; set; } = "appsettings.json";

    /// <summary>
    /// Registers a provider by reference. Its options are bound from the stage's <c>options</c> section and
    /// validated with DataAnnotations (and <see cref="IValidatableObject"/>) when the pipeline is built, by the
    /// same reader the plugin host uses: unknown options, values of the wrong type, and secrets written as
    /// literals (<c>[StorageSecret]</c> options take <c>env:NAME</c> or <c>file:PATH</c>) are refused with the
    /// pipeline, stage and option named. The annotation on <typeparamref name="TOptions"/> keeps their public
    /// properties when the app is trimmed. A later registration of the same name replaces the earlier one.
    /// </summary>
    public BrowserStorageBuilder AddProvider<TProvider, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>()
        where TProvider : StorageProvider<TOptions>, new()
        where TOptions : class, new()
    {
        var provider = new TProvider();
        _providers[provider.Name] = provider;
        return this;
    }

    IReadOnlyList<string> IPipelineProviders.Names => [.. _providers.Keys.Order(StringComparer.Ordinal)];

    string IPipelineProviders.UnknownTypeNote =>
        " Browsers cannot load plugin folders: register the provider with AddProvider<TProvider, TOptions>() in AddAtomitonBrowserStorage.";

    bool IPipelineProviders.TryGetProvider(string name, [NotNullWhen(true)] out IStorageProvider? provider) =>
        _providers.TryGetValue(name, out provider);
}
