namespace Atomiton.Storage.Cloud.Tests;

/// <summary>
/// Served in front of the memory engine, it reports a failing content stream the way the
/// filesystem engine does: as InvalidArgument wrapping the stream's exception.
/// </summary>
public sealed class SourceFailureWrappingEngine(IStorageEngine inner) : DelegatingStorageEngine(inner, ownsInner: false)
{
    public override string EngineType => "source-wrapping";

    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        var copy = new MemoryStream();
        try
        {
            await content.CopyToAsync(copy, cancellationToken);
        }
        catch (Exception failure) when (failure is not OperationCanceledException and not StorageException)
        {
            throw new StorageException(StorageErrorCode.InvalidArgument, $"Reading the content stream for key '{key}' failed ({failure.Message}). Nothing was written.", failure) { Key = key };
        }

        copy.Position = 0;
        return await base.SaveCoreAsync(key, copy, options, cancellationToken);
    }
}
