using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>The whole conformance kit against encrypted → memory, built through the descriptor.</summary>
public sealed class EncryptedConformanceTests : StorageConformanceTests
{
    protected override bool HoldsContentInMemory => true;

    protected override async ValueTask<IStorageEngine> CreateEngineAsync() =>
        await new EncryptedProvider().CreateAsync(new EncryptedOptions { Key = EncryptedTestEngines.KeyA }, EncryptedTestEngines.Context(new MemoryEngine()));
}
