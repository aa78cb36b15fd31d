namespace Atomiton.Storage.Tests.Testing;

/// <summary>A broken wrapper: every load copies the whole object into memory before returning it.</summary>
internal sealed class BufferingReadEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
{
    public override string EngineType => "buffering-read";

    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        await using var result = await Inner.OpenReadAsync(key, options, cancellationToken);
        var buffer = new MemoryStream();
        await result.Content.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        return new StorageReadResult(result.Item, buffer, result.NotModified);
    }
}
