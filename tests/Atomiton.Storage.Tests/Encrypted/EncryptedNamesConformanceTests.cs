using Atomiton.Storage.Encrypted;
using Atomiton.Storage.Memory;
using Atomiton.Storage.Testing;

namespace Atomiton.Storage.Tests.Encrypted;

/// <summary>
/// The whole conformance kit against encrypted → memory with encrypted key names: listings stream unordered
/// (no OrderedList) and resume by the inner engine's tokens; segments are limited by the declared key rules.
/// </summary>
public sealed class EncryptedNamesConformanceTests : StorageConformanceTests
{
    protected override bool HoldsContentInMemory => true;

    protected override async ValueTask<IStorageEngine> CreateEngineAsync() =>
        await new EncryptedProvider().CreateAsync(new EncryptedOptions { Key = EncryptedTestEngines.KeyA, EncryptKeys = true }, EncryptedTestEngines.Context(new MemoryEngine()));
}
