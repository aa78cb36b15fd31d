namespace Atomiton.Storage.Tests.Support;

/// <summary>A pass-through wrapper that does not dispose its inner engine, so several engines in a test can share one store.</summary>
internal sealed class SharedEngine(IStorageEngine inner) : DelegatingStorageEngine(inner, ownsInner: false)
{
    public override string EngineType => Inner.EngineType;

    public override StorageCapabilities Capabilities => Inner.Capabilities;

    protected override ValueTask<StorageItem> CopyCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        Inner.CopyAsync(sourceKey, destinationKey, condition, cancellationToken);

    protected override ValueTask<StorageItem> MoveCoreAsync(string sourceKey, string destinationKey, WriteCondition condition, CancellationToken cancellationToken) =>
        Inner.MoveAsync(sourceKey, destinationKey, condition, cancellationToken);
}
