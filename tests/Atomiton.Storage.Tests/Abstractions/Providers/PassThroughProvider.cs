using Atomiton.Storage.Providers;
using Atomiton.Storage.Tests.Testing;

namespace Atomiton.Storage.Tests.Abstractions.Providers;

/// <summary>A wrapper descriptor, to test what the provider base class checks for wrappers.</summary>
internal sealed class PassThroughProvider : StorageProvider<PassThroughOptions>
{
    public override string Name => "pass-through";

    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    public override string Description => "Forwards every operation.";

    protected override ValueTask<IStorageEngine> CreateAsync(PassThroughOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new PassThroughEngine(context.Inner!));
}
