using System.Runtime.CompilerServices;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>A broken wrapper: a listing collects every entry before yielding the first.</summary>
internal sealed class CollectingListEngine(IStorageEngine inner) : DelegatingStorageEngine(inner)
{
    public override string EngineType => "collecting-list";

    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var all = new List<StorageEntry>();
        await foreach (var entry in Inner.ListAsync(options, cancellationToken))
        {
            all.Add(entry with { });
        }

        foreach (var entry in all)
        {
            yield return entry;
        }
    }
}
