using Atomiton.Storage;
using Atomiton.Storage.Providers;
using Atomiton.Storage.Testing;

namespace CompanyNamespacePlaceholder.Tests;

/// <summary>Runs the whole Atomiton conformance kit against the engine, built through its descriptor as the host builds it.</summary>
public sealed class ProviderNameConformanceTests : StorageConformanceTests
{
    // The kit bounds the memory a large save uses only for an engine that does not hold content in
    // memory: by default one that declares StorageCapabilities.Persistent. The starting-point engine
    // keeps objects in memory and does not declare Persistent, so only its loads are bounded. Once
    // your engine stores in its backend, declare Persistent (if data outlives the process) and the kit
    // bounds its saves too; if it streams to a backend that does not persist, add
    //     protected override bool HoldsContentInMemory => false;

    protected override ValueTask<IStorageEngine> CreateEngineAsync() =>
        new ProviderNameProvider().CreateAsync(
            new ProviderNameOptions(),
            new StorageProviderContext { PipelineName = "tests", StageName = ProviderNameProvider.TypeName });
}
