using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Mock;

/// <summary>
/// The <c>chaos</c> wrapper: a <see cref="MockEngine"/> in front of the stage beneath it, adding
/// the latency, random transient failures and quota of <see cref="MockOptions"/> to any engine
/// (for example <c>retry → chaos → filesystem</c> to prove a pipeline survives failures).
/// See <see cref="MockProvider"/> for why the mock has two descriptors.
/// </summary>
public sealed class ChaosProvider : StorageProvider<MockOptions>
{
    /// <summary>The provider and engine type name, <c>chaos</c>.</summary>
    public const string TypeName = "chaos";

    /// <inheritdoc />
    public override string Name => TypeName;

    /// <inheritdoc />
    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    /// <inheritdoc />
    public override string Description => "Injects latency, random transient failures, a byte quota and scripted faults in front of the stage beneath it; deterministic with a seed.";

    /// <inheritdoc />
    protected override ValueTask<IStorageEngine> CreateAsync(MockOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new MockEngine(context.Inner!, options, context.TimeProvider, ownsInner: true, TypeName));
}
