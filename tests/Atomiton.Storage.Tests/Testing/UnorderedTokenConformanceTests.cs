using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>The whole kit over an unordered, token-paging engine (shuffled pages, opaque tokens, no StartAfter, batch deletes of 4): the base listing contract alone.</summary>
public sealed class UnorderedTokenConformanceTests : StorageConformanceTests
{
    protected override long LargeObjectSize => 8 * 1024 * 1024;

    protected override int ManyKeysCount => 20_000;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        ValueTask.FromResult<IStorageEngine>(new UnorderedTokenEngine(new MemoryEngine()));
}
