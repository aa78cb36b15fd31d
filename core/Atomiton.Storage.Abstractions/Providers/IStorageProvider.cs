namespace Atomiton.Storage.Providers;

/// <summary>
/// Describes one engine type to the host: its name in <c>plugins.json</c>, its kind, its options
/// type, and how to build an engine from validated options. A plugin assembly exposes one or more
/// public, non-abstract implementations with a public parameterless constructor; the host finds
/// them by reflection. Derive from <see cref="StorageProvider{TOptions}"/> rather than implementing this directly.
/// </summary>
public interface IStorageProvider
{
    /// <summary>The <c>type</c> used in <c>plugins.json</c>, such as <c>filesystem</c>: lowercase letters, digits and '-'.</summary>
    string Name { get; }

    /// <summary>Backend or wrapper.</summary>
    StorageProviderKind Kind { get; }

    /// <summary>One line saying what the engine does.</summary>
    string Description { get; }

    /// <summary>The options class bound from the stage's <c>options</c>: public settable properties, DataAnnotations for validation.</summary>
    Type OptionsType { get; }

    /// <summary>Builds an engine from options that were bound and validated by the host.</summary>
    /// <param name="options">An instance of <see cref="OptionsType"/>, with secret references already resolved.</param>
    /// <param name="context">The pipeline, stage, inner engine (for a wrapper), time and logging.</param>
    /// <param name="cancellationToken">Cancels the construction.</param>
    /// <exception cref="StorageException">InvalidConfiguration when the options cannot work (naming the option), or a backend error.</exception>
    ValueTask<IStorageEngine> CreateAsync(object options, StorageProviderContext context, CancellationToken cancellationToken = default);
}
