using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>
/// The whole kit in root-prefix mode over one engine shared by every case, as a real account would be: each case
/// runs under a fresh prefix, and the shared engine already holds objects outside it that no case may see or touch.
/// </summary>
public sealed class SharedAccountConformanceTests : StorageConformanceTests
{
    private const string OutsideKey = "outside/owned-by-someone-else.txt";

    private static readonly MemoryEngine Shared = new();

    protected override bool UsesFreshPrefixPerCase => true;

    protected override long LargeObjectSize => 8 * 1024 * 1024;

    protected override int ManyKeysCount => 5_000;

    protected override int ModelCheckRuns => 30;

    protected override async ValueTask<IStorageEngine> CreateEngineAsync()
    {
        if (!await Shared.ExistsAsync(OutsideKey))
        {
            await Shared.SaveAsync(OutsideKey, new ReadOnlyMemory<byte>([1, 2, 3]));
        }

        return new PassThroughEngine(Shared, ownsInner: false);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Assert.Equal([OutsideKey], await ListSharedAsync());
    }

    private static async Task<List<string>> ListSharedAsync()
    {
        var keys = new List<string>();
        await foreach (var entry in Shared.ListAsync())
        {
            keys.Add(entry.Key);
        }

        return keys;
    }
}
