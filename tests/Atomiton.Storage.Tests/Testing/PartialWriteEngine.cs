namespace Atomiton.Storage.Tests.Testing;

/// <summary>A broken wrapper: when the source fails midway it saves what it read so far instead of nothing.</summary>
internal sealed class PartialWriteEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
{
    public override string EngineType => "partial-write";

    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        try
        {
            await content.CopyToAsync(buffer, cancellationToken);
        }
        catch (IOException)
        {
            // The bug under test: the failure is swallowed and the partial content saved.
        }

        buffer.Position = 0;
        return await Inner.SaveAsync(key, buffer, options with { ExpectedLength = null }, cancellationToken);
    }
}
