using System.Runtime.CompilerServices;

namespace Atomiton.Storage.Tests.Abstractions;

/// <summary>
/// An engine whose every core operation fails with a bare <see cref="StorageException"/> (no provider,
/// operation or key), so tests can see the base class add them; stat fails with NotFound so the
/// default exists maps it to false.
/// </summary>
internal sealed class ContextlessFailingEngine(StorageCapabilities capabilities = StorageCapabilities.Standard, StorageErrorCode code = StorageErrorCode.NetworkError) : StorageEngine
{
    public int DisposeCount { get; private set; }

    public StorageErrorCode StatCode { get; init; } = StorageErrorCode.NotFound;

    public override string EngineType => "contextless";

    public override StorageCapabilities Capabilities => capabilities;

    protected override ValueTask<StorageItem> SaveCoreAsync(string key, Stream content, SaveOptions options, CancellationToken cancellationToken) => throw Bare();

    protected override ValueTask<StorageReadResult> OpenReadCoreAsync(string key, ReadOptions options, CancellationToken cancellationToken) => throw Bare();

    protected override ValueTask<StorageItem> StatCoreAsync(string key, CancellationToken cancellationToken) => throw new StorageException(StatCode, "bare stat failure");

    protected override ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken) => throw Bare();

    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return StorageEntry.ForPrefix("first/");
        await Task.Yield();
        throw Bare();
    }

    protected override ValueTask<StorageInfo> GetInfoCoreAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new StorageInfo { EngineType = EngineType, Platform = "any", IsConnected = false, Capabilities = Capabilities });

    protected override ValueTask DisposeCoreAsync()
    {
        DisposeCount++;
        return base.DisposeCoreAsync();
    }

    private StorageException Bare() => new(code, "bare failure");
}
