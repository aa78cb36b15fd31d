using Atomiton.Storage;
using Atomiton.Storage.Providers;

namespace Json13Plugin;

/// <summary>The json13-store backend, built against Newtonsoft.Json 13.</summary>
public sealed class DocumentStoreProvider : StorageProvider<DocumentStoreOptions>
{
    public override string Name => "json13-store";

    public override StorageProviderKind Kind => StorageProviderKind.Backend;

    public override string Description => "Keeps each object in memory as a JSON document serialized by Newtonsoft.Json 13.";

    protected override ValueTask<IStorageEngine> CreateAsync(DocumentStoreOptions options, StorageProviderContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IStorageEngine>(new DocumentStoreEngine(options.MaxItems, context.TimeProvider));
}
