using Atomiton.Storage.Providers;

namespace Atomiton.Storage.Hosting.Tests.Options.Binding;

/// <summary>Internal, so the built-in scan of this assembly never sees it; StageOptionsBinderTests binds its options directly.</summary>
internal sealed class BindingProvider<TOptions> : StorageProvider<TOptions>
    where TOptions : class, new()
{
    public override string Name => "binding";

    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    public override string Description => "Only its options matter.";

    protected override ValueTask<IStorageEngine> CreateAsync(TOptions options, StorageProviderContext context, CancellationToken cancellationToken) => throw new NotSupportedException();
}
