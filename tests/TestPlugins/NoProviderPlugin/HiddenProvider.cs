using Atomiton.Storage;
using Atomiton.Storage.Providers;

namespace NoProviderPlugin;

/// <summary>Internal, as a plugin author might leave it by mistake: the host only takes public provider types.</summary>
internal sealed class HiddenProvider : StorageProvider<HiddenOptions>
{
    public override string Name => "hidden";

    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    public override string Description => "Never found: the type is not public.";

    protected override ValueTask<IStorageEngine> CreateAsync(HiddenOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
