using Atomiton.Storage;
using Atomiton.Storage.Providers;

namespace Json12Plugin;

/// <summary>The json12-stamp wrapper, built against Newtonsoft.Json 12.</summary>
public sealed class StampProvider : StorageProvider<StampOptions>
{
    public override string Name => "json12-stamp";

    public override StorageProviderKind Kind => StorageProviderKind.Wrapper;

    public override string Description => "Stamps saved objects with a JSON note written by Newtonsoft.Json 12 and counts calls.";

    protected override ValueTask<IStorageEngine> CreateAsync(StampOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new StampEngine(context.Inner!, options.Label));
}
