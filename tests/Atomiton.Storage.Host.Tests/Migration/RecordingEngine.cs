using System.Collections.Concurrent;

namespace Atomiton.Storage.Host.Tests.Migration;

/// <summary>A wrapper that counts saves per key and can corrupt the content saved under chosen keys.</summary>
internal sealed class RecordingEngine(IStorageEngine inner, Func<string, bool>? corrupt = null) : DelegatingStorageEngine(inner, ownsInner: false)
{
    public ConcurrentDictionary<string, int> Saves { get; } = new(StringComparer.Ordinal);

    public override string EngineType => "recording";

    protected override async ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken)
    {
        Saves.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (corrupt?.Invoke(key) != true)
        {
            return await base.SaveCoreAsync(key, content, options, cancellationToken);
        }

        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        bytes[0] ^= 0xFF;
        return await Inner.SaveAsync(key, bytes, options, cancellationToken);
    }
}
