using Atomiton.Storage;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Testing;

namespace Company.StorageProvider.Tests;

/// <summary>Runs the whole Atomiton conformance kit against the engine, built through its descriptor as the host builds it.</summary>
public sealed class ProviderNameConformanceTests : StorageConformanceTests
{
    // The starting-point engine buffers objects in memory; set this to false (the default) once your
    // engine streams to its backend, so the kit also bounds the memory a large save uses.
    protected override bool HoldsContentInMemory => true;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        new ProviderNameProvider().CreateAsync(
            new ProviderNameOptions(),
            new StorageProviderContext { PipelineName = "tests", StageName = ProviderNameProvider.TypeName });
}
