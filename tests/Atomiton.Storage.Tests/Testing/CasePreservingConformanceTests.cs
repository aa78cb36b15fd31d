using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>The whole kit over a case-insensitive, case-preserving engine (OneDrive-like): an honest one must pass, with the case-insensitive cases run.</summary>
public sealed class CasePreservingConformanceTests : StorageConformanceTests
{
    protected override long LargeObjectSize => 8 * 1024 * 1024;

    protected override int ManyKeysCount => 5_000;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        ValueTask.FromResult<IStorageEngine>(new CasePreservingEngine(new MemoryEngine()));
}
