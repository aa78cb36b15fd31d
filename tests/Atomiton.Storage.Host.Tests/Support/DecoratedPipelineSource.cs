using Atomiton.Storage.Host.Pipelines;
using Atomiton.Storage.Hosting;

namespace Atomiton.Storage.Host.Tests.Support;

/// <summary>The pipelines of a configuration with the engines of some of them wrapped (to corrupt, count or interrupt).</summary>
internal sealed class DecoratedPipelineSource(IPipelineSource inner, Func<string, IStorageEngine, IStorageEngine> decorate) : IPipelineSource
{
    public string ConfigurationFile => inner.ConfigurationFile;

    public StorageHost Host => inner.Host;

    public string ResolveName(string? pipeline) => inner.ResolveName(pipeline);

    public async ValueTask<IStorageEngine> OpenAsync(string? pipeline, CancellationToken cancellationToken) =>
        decorate(inner.ResolveName(pipeline), await inner.OpenAsync(pipeline, cancellationToken));

    public void Dispose() => inner.Dispose();
}

/// <summary>A wrapper that runs <paramref name="onSave"/> after every save and can flip the first byte saved under chosen keys.</summary>
internal sealed class TamperingEngine(IStorageEngine inner, Func<string, bool>? corrupt = null, Action<string>? onSave = null) : DelegatingStorageEngine(inner)
{
    public override string EngineType => "tampering";

    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        StorageItem item;
        if (corrupt?.Invoke(key) == true)
        {
            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken);
            var bytes = buffer.ToArray();
            bytes[0] ^= 0xFF;
            item = await Inner.SaveAsync(key, bytes, options, cancellationToken);
        }
        else
        {
            item = await base.SaveCoreAsync(key, content, options, cancellationToken);
        }

        onSave?.Invoke(key);
        return item;
    }
}
