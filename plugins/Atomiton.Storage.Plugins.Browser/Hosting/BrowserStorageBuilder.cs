using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Atomiton.Storage.Cached;
using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Providers;
using Microsoft.Extensions.Configuration;

namespace Atomiton.Storage.Plugins.Browser.Hosting;

/// <summary>
/// The providers a browser app can use, registered by reference (browsers cannot load plugin folders).
/// Built in: <c>memory</c>, <c>cached</c>, <c>encrypted</c>, <c>indexeddb</c>, <c>localstorage</c>, <c>browser</c>;
/// add others with <see cref="AddProvider{TProvider, TOptions}"/>.
/// </summary>
public sealed class BrowserStorageBuilder
{
    private readonly Dictionary<string, ProviderEntry> _providers = new(StringComparer.Ordinal);

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

    internal IReadOnlyDictionary<string, ProviderEntry> Providers => _providers;

    /// <summary>
    /// Registers a provider by reference. Its options are bound from the stage's <c>options</c> section and
    /// validated with DataAnnotations (and <see cref="IValidatableObject"/>) when the pipeline is built; the
    /// annotation on <typeparamref name="TOptions"/> keeps their public properties when the app is trimmed.
    /// A later registration of the same name replaces the earlier one.
    /// </summary>
    public BrowserStorageBuilder AddProvider<TProvider, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>()
        where TProvider : StorageProvider<TOptions>, new()
        where TOptions : class, new()
    {
        var provider = new TProvider();
        _providers[provider.Name] = new ProviderEntry(provider, section => Bind<TOptions>(section));
        return this;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "TOptions keeps its public properties and parameterless constructor through its annotation; nested option objects are not used by the browser providers.")]
    [UnconditionalSuppressMessage("Trimming", "IL2091", Justification = "As above.")]
    private static object Bind<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(IConfiguration section)
        where TOptions : class, new()
    {
        var options = new TOptions();
        section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        return options;
    }

    /// <summary>A registered provider and how to bind its options.</summary>
    internal sealed record ProviderEntry(IStorageProvider Provider, Func<IConfiguration, object> BindOptions)
    {
        [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The options type's public properties are kept by AddProvider's annotation.")]
        public static List<ValidationResult> Validate(object options)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
            return results;
        }
    }
}
