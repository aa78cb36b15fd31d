using System.Diagnostics.CodeAnalysis;

namespace Atomiton.Storage.Providers;

/// <summary>The typed base of a provider descriptor; see <see cref="IStorageProvider"/>.</summary>
/// <typeparam name="TOptions">The options class: public settable properties validated with DataAnnotations.</typeparam>
public abstract class StorageProvider<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions> : IStorageProvider
    where TOptions : class, new()
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract StorageProviderKind Kind { get; }

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <inheritdoc />
    public Type OptionsType => typeof(TOptions);

    /// <inheritdoc />
    public ValueTask<IStorageEngine> CreateAsync(object options, StorageProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (options is not TOptions typed)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"Provider '{Name}' expects options of type {typeof(TOptions).FullName} but got {options?.GetType().FullName ?? "null"} (stage '{context.StageName}' of pipeline '{context.PipelineName}').")
            { Provider = Name, Operation = "create" };
        }

        if (Kind == StorageProviderKind.Wrapper && context.Inner is null)
        {
            throw new StorageException(StorageErrorCode.InvalidConfiguration,
                $"'{Name}' is a wrapper and needs an engine beneath it (stage '{context.StageName}' of pipeline '{context.PipelineName}'). Put a backend after it in the chain.")
            { Provider = Name, Operation = "create" };
        }

        return CreateAsync(typed, context, cancellationToken);
    }

    /// <summary>Builds an engine from validated options.</summary>
    protected abstract ValueTask<IStorageEngine> CreateAsync(TOptions options, StorageProviderContext context, CancellationToken cancellationToken);
}
