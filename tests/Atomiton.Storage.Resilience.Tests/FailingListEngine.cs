using System.Runtime.CompilerServices;

namespace Atomiton.Storage.Resilience.Tests;

/// <summary>An engine whose first listing breaks with a transient error after a number of entries.</summary>
internal sealed class FailingListEngine(IStorageEngine inner, int failAfter) : DelegatingStorageEngine(inner)
{
    private int _listings;

    public int Listings => _listings;

    public override string EngineType => "failing-list";

    protected override async IAsyncEnumerable<StorageEntry> ListCoreAsync(ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        bool fail = Interlocked.Increment(ref _listings) == 1;
        int yielded = 0;
        await foreach (var entry in Inner.ListAsync(options, cancellationToken))
        {
            if (fail && yielded == failAfter)
            {
                throw new StorageException(StorageErrorCode.NetworkError, "connection reset while listing");
            }

            yielded++;
            yield return entry;
        }
    }
}
