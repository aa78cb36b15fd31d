using Atomiton.Storage;
using Atomiton.Storage.Providers;

namespace CompanyNamespacePlaceholder;

/// <summary>
/// Describes the <c>provider-key-placeholder</c> engine to the host: the host finds this public type in
/// the plugin assembly, binds and validates <see cref="ProviderNameOptions"/>, and calls
/// <see cref="CreateAsync(ProviderNameOptions, StorageProviderContext, CancellationToken)"/>.
/// </summary>
public sealed class ProviderNameProvider : StorageProvider<ProviderNameOptions>
{
    /// <summary>The type name used in plugins.json.</summary>
    public const string TypeName = "provider-key-placeholder";

    /// <inheritdoc />
    public override string Name => TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    /// <inheritdoc />
    public override string Description => "ProviderName storage (replace with what your backend does).";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(ProviderNameOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new ProviderNameEngine(options, context.TimeProvider));
}
