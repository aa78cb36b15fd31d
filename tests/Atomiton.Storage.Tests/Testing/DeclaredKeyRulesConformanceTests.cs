using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Testing;

/// <summary>The whole kit over an engine declaring drive-like key rules: the kit reads the rules, expects UnrepresentableKey beyond them and stores everything within.</summary>
public sealed class DeclaredKeyRulesConformanceTests : StorageConformanceTests
{
    protected override long LargeObjectSize => 8 * 1024 * 1024;

    protected override int ManyKeysCount => 5_000;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        ValueTask.FromResult<IStorageEngine>(new DeclaredKeyRulesEngine(new MemoryEngine(), DeclaredKeyRulesEngine.DriveLike));
}
