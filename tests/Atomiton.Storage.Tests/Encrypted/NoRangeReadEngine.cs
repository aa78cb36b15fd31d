namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>
/// A pass-through engine that lacks <see cref="StorageCapabilities.RangeRead"/>, as some backends do:
/// a ranged load of it fails with UnsupportedOperation (the base class enforces the flag), so a
/// wrapper above it must read whole objects. Keeps the last content stream it returned, so tests
/// can check it was released. Does not dispose its inner engine.
/// </summary>
internal sealed class NoRangeReadEngine(IStorageEngine inner) : DelegatingStorageEngine(inner, ownsInner: false)
{
    public override string EngineType => "no-range-read";

    public override StorageCapabilities Capabilities => Inner.Capabilities & ~StorageCapabilities.RangeRead;

    /// <summary>The content stream of the last load, as the inner engine returned it.</summary>
    public Stream? LastContent { get; private set; }

    protected override async ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken)
    {
        var result = await base.OpenReadCoreAsync(key, options, cancellationToken);
        LastContent = result.Content;
        return result;
    }
}
