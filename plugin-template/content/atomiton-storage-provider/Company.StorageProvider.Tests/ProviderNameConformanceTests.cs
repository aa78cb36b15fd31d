using Atomiton.Storage;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Testing;

namespace Company.StorageProvider.Tests;

/// <summary>Runs the whole Atomiton conformance kit against the engine, built through its descriptor as the host builds it.</summary>
public sealed class ProviderNameConformanceTests : StorageConformanceTests
{
    // The starting-point engine keeps objects in memory, so only loads are held to bounded memory.
    // Delete this line once your engine streams saves to its backend.
    protected override bool HoldsContentInMemory => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        new ProviderNameProvider().CreateAsync(
            new ProviderNameOptions(),
            new StorageProviderContext { PipelineName = "tests", StageName = ProviderNameProvider.TypeName });
}
