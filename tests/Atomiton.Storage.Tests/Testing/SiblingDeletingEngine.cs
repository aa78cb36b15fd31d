namespace Atomiton.Storage.Tests.Testing;

/// <summary>A broken wrapper: deleting a key also deletes every key that starts with it (the classic "folder" bug).</summary>
internal sealed class SiblingDeletingEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
{
    public override string EngineType => "sibling-deleting";

    protected override async ValueTask<bool> DeleteCoreAsync(string key, DeleteOptions options, CancellationToken cancellationToken)
    {
        bool deleted = await Inner.DeleteAsync(key, options, cancellationToken);
        await Inner.DeletePrefixAsync(key, cancellationToken);
        return deleted;
    }
}
